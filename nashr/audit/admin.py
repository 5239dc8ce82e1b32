"""The audit trail in the admin: read and filtered, never added to, changed or deleted.

Who may read it is a matter of the view permission (the administrator role holds it,
see nashr.accounts.roles); nobody, superusers included, may write to it here.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from nashr.audit.models import AuditEntry
from nashr.core import calendars
from nashr.core.admin import ReadOnlyAdminMixin, SpellingSearchAdmin
from nashr.core.languages import current_language


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, SpellingSearchAdmin[AuditEntry]):
    list_display = ["when", "actor_name", "action", "target_type", "target_id", "target"]
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

    @admin.display(description=_("when"), ordering="at")
    def when(self, entry: AuditEntry) -> str:
        return calendars.format_datetime(entry.at, current_language())

    @admin.display(description=_("object"))
    def target(self, entry: AuditEntry) -> str:
        # A title in either language: its own direction, whatever the admin's.
        return format_html('<span dir="auto">{}</span>', entry.target_label)
