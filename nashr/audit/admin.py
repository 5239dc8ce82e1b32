"""The audit trail in the admin: read and filtered, never added to, changed or deleted.

Who may read it is a matter of the view permission (the administrator role holds it,
see nashr.accounts.roles); nobody, superusers included, may write to it here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nashr.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "actor_name", "action", "target_type", "target_id", "target_label"]
    list_filter = ["action", "actor_name", "at", "target_type"]
    search_fields = ["actor_name", "action", "target_id", "target_label"]
    date_hierarchy = "at"
    show_full_result_count = False
    fields = readonly_fields = (
        "at",
        "actor_name",
        "actor_user_id",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "address_hash",
        "changes",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
