"""The audit trail in the admin: read and filtered, never added to, changed or deleted.

Who may read it is a matter of the view permission (the administrator role holds it,
see nashr.accounts.roles); nobody, superusers included, may write to it here.
"""

from __future__ import annotations

from django.contrib import admin

from nashr.audit.models import AuditEntry
from nashr.core.admin import ReadOnlyAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AuditEntry]):
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
