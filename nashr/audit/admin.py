"""The audit trail in the admin: read and filtered, never added to, changed or deleted.

Who may read it is a matter of the view permission (the administrator role holds it,
see nashr.accounts.roles); nobody, superusers included, may write to it here. Actions
and types are shown by name in the admin's language, the stored codes beside them; the
months to filter by are the admin calendar's.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from nashr.audit.actions import action_label, is_known
from nashr.audit.models import AuditEntry
from nashr.core import calendars
from nashr.core.admin import CalendarMonthFilter, ReadOnlyAdminMixin, SpellingSearchAdmin
from nashr.core.languages import current_language


def type_label(label: str) -> str:
    """ "نوشته" for "publications.publication"; the label itself for a model now gone."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


class MonthFilter(CalendarMonthFilter):
    title = _("month")
    field_name = "at"


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        codes = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class TypeFilter(admin.SimpleListFilter):
    title = _("type of object")
    parameter_name = "target_type"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        labels = (
            AuditEntry.objects.exclude(target_type="")
            .order_by("target_type")
            .values_list("target_type", flat=True)
            .distinct()
        )
        return [(label, type_label(label)) for label in labels]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(target_type=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, SpellingSearchAdmin[AuditEntry]):
    list_display = ["when", "actor_name", "what", "type_of_target", "target_id", "target"]
    list_filter = [ActionFilter, "actor_name", MonthFilter, TypeFilter]
    search_fields = ["actor_name", "action", "target_id", "target_label"]
    show_full_result_count = False
    fields = readonly_fields = (
        "when",
        "actor_name",
        "actor_user_id",
        "what",
        "type_of_target",
        "target_id",
        "target_label",
        "address_hash",
        "changes",
    )

    @admin.display(description=_("when"), ordering="at")
    def when(self, entry: AuditEntry) -> str:
        return calendars.format_datetime(entry.at, current_language())

    @admin.display(description=_("action"), ordering="action")
    def what(self, entry: AuditEntry) -> SafeString:
        # The stored code beside its name: what a search or an export matches.
        if not is_known(entry.action):
            return format_html('<code dir="ltr">{}</code>', entry.action)
        return format_html(
            '{} <code dir="ltr" class="quiet">{}</code>', action_label(entry.action), entry.action
        )

    @admin.display(description=_("type of object"), ordering="target_type")
    def type_of_target(self, entry: AuditEntry) -> str:
        return type_label(entry.target_type) if entry.target_type else ""

    @admin.display(description=_("object"))
    def target(self, entry: AuditEntry) -> str:
        # A title in either language: its own direction, whatever the admin's.
        return format_html('<span dir="auto">{}</span>', entry.target_label)
