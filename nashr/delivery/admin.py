"""Admin: queue an issue's sending as a background task, follow its progress, and
download the message a subscriber receives (.eml). Deliveries are read-only records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nashr.bulletins import flow
from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.admin import (
    NamedRelatedFilter,
    ReadOnlyAdminMixin,
    SpellingSearchAdmin,
    datetime_column,
    named_column,
    refusal_text,
)
from nashr.core.calendars import format_datetime, format_number
from nashr.core.exceptions import ApplicationError
from nashr.core.forms import admin_datetime_field
from nashr.core.languages import current_language
from nashr.delivery.message import bulletin_message_preview
from nashr.delivery.models import Delivery, DeliveryState, Sending
from nashr.delivery.selectors import (
    sending_earlier,
    sending_recipients_count,
    sending_task_status,
)
from nashr.delivery.services import delivery_queue_send, delivery_schedule_send

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


# How often the progress page reloads itself when the browser runs no script.
REFRESH_SECONDS = 5
# The box that confirms a send that reaches nobody (no confirmed reader on the list).
CONFIRM_NOBODY = "confirm_nobody"
NOBODY_REFUSED = _(
    "Nothing was sent: the series' list has no confirmed subscriber, so nobody would receive "
    "it. To send it all the same, tick the box and send again."
)
# django-tasks' statuses, in the admin's language.
TASK_STATUS_LABELS = {
    "READY": _("waiting for a worker"),
    "RUNNING": _("running"),
    "SUCCESSFUL": _("finished"),
    "FAILED": _("failed"),
}


def _count_column(name: str, description: StrOrPromise, *, sortable: bool = False) -> Any:
    """A list column showing one of the counts `get_queryset` annotates."""

    @admin.display(description=description, ordering=name if sortable else None)
    def column(admin_self: Any, obj: Any) -> int:
        return int(getattr(obj, name))

    return column


@admin.register(Sending)
# An issue is edited in the bulletins admin, through its services; here it is only sent.
class SendingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Sending]):
    list_display = [
        "issue_named",
        "published",
        "progress",
        "n_sent",
        "n_failed",
        "n_bounced",
        "n_waiting",
        "n_duplicated",
        "task",
    ]
    list_filter = [("series", NamedRelatedFilter)]
    list_select_related = ["series"]
    actions = ["queue_sending"]
    fields = ["series", "number", "published"]
    readonly_fields = ["series", "number", "published"]
    published = datetime_column("published_at", _("published at"))
    issue_named = named_column("", _("issue"))

    class Media:
        css = {"all": ("delivery/admin/sendings.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sending]:
        def state(value: str) -> Count:
            return Count("deliveries", filter=Q(deliveries__state=value))

        return (
            super()
            .get_queryset(request)
            .filter(status=BulletinStatus.PUBLISHED)
            .select_related("series")
            .annotate(
                n_total=Count("deliveries"),
                n_sent=state(DeliveryState.SENT),
                n_failed=state(DeliveryState.FAILED),
                n_bounced=state(DeliveryState.BOUNCED),
                n_waiting=state(DeliveryState.QUEUED) + state(DeliveryState.SENDING),
                n_duplicated=Count("deliveries", filter=Q(deliveries__possibly_duplicated=True)),
            )
        )

    def has_send_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("delivery.send_bulletin"))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/send/",
                self.admin_site.admin_view(self.send_view),
                name="delivery_sending_send",
            ),
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="delivery_sending_progress",
            ),
            path(
                "<int:pk>/preview.eml",
                self.admin_site.admin_view(self.preview_eml),
                name="delivery_sending_preview_eml",
            ),
            *super().get_urls(),
        ]

    def preview_eml(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The .eml a subscriber receives, for a sample reader; drafts too (editors check them)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        bulletin = get_object_or_404(Bulletin.objects.select_related("series"), pk=pk)
        response = HttpResponse(bulletin_message_preview(bulletin=bulletin), "message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.pk}.eml"'
        return response

    def _page(self, request: HttpRequest, title: Any, **context: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title,
                **context}  # fmt: skip

    def _schedule_form(self, data: Any = None) -> forms.Form:
        form = forms.Form(data)
        form.fields["send_at"] = admin_datetime_field(
            label=_("send at"),
            required=True,
            help_text=_("The task worker sends the issue at this time (the site's time zone)."),
        )
        return form

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Send a published issue, after a page saying to how many readers and what was
        already sent of it; then its progress."""
        if not self.has_send_permission(request):
            raise PermissionDenied
        bulletin = get_object_or_404(Sending.objects.select_related("series"), pk=pk)
        progress_url = reverse("admin:delivery_sending_progress", args=[pk])
        schedule = self._schedule_form()
        if request.method == "POST" and "schedule" in request.POST:
            # Later, not now: the worker sends it at the time given (the same send).
            schedule = self._schedule_form(request.POST)
            if schedule.is_valid():
                when = schedule.cleaned_data["send_at"]
                try:
                    delivery_schedule_send(actor=request.user, bulletin=bulletin, send_at=when)
                except ApplicationError as refusal:
                    schedule.add_error("send_at", refusal_text(refusal))
                else:
                    self.message_user(
                        request,
                        _("%(issue)s will be sent at %(when)s.")
                        % {"issue": bulletin, "when": format_datetime(when, current_language())},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:bulletins_bulletin_change", args=[pk])
                    )
        elif request.method == "POST":
            if not sending_recipients_count(bulletin=bulletin) and not request.POST.get(
                CONFIRM_NOBODY
            ):
                self.message_user(request, NOBODY_REFUSED, messages.WARNING)
                return HttpResponseRedirect(request.path)
            try:
                delivery_queue_send(actor=request.user, bulletin=bulletin)
            except ApplicationError as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
            return HttpResponseRedirect(progress_url)
        language = current_language()
        earlier = sending_earlier(bulletin=bulletin)
        count = sending_recipients_count(bulletin=bulletin)
        context = self._page(
            request,
            _("Send to subscribers?"),
            bulletin=bulletin,
            flow_steps=flow.flow_steps(bulletin=bulletin, current=flow.SEND),
            nobody=count == 0,
            confirm_nobody=CONFIRM_NOBODY,
            recipients=format_number(count, language),
            earlier_sent=format_number(earlier.sent, language) if earlier else None,
            earlier_at=format_datetime(earlier.last_sent_at, language) if earlier else None,
            issue_url=reverse("admin:bulletins_bulletin_change", args=[pk]),
            confirm_label=_("Yes, send it"),
            back_url=reverse("admin:bulletins_bulletin_change", args=[pk]),
            back_label=_("No, back to the issue"),
            schedule=schedule,
            scheduled_at=format_datetime(bulletin.send_at, language) if bulletin.send_at else None,
        )
        return TemplateResponse(request, "admin/delivery/sending/send_confirm.html", context)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The sending's counts, refreshed while messages wait (by a script, or without one
        by the page itself)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Annotated with its counts by get_queryset.
        sending: Any = get_object_or_404(self.get_queryset(request), pk=pk)
        language = current_language()
        task = sending_task_status(bulletin_id=pk)
        done = sending.n_waiting == 0 and task not in ("READY", "RUNNING")
        rows = [
            (_("sent"), sending.n_sent),
            (_("failed"), sending.n_failed),
            (_("bounced"), sending.n_bounced),
            (_("waiting"), sending.n_waiting),
            (_("possibly duplicated"), sending.n_duplicated),
            (_("all messages"), sending.n_total),
        ]
        context = self._page(
            request,
            _("Sending of %(issue)s") % {"issue": sending},
            sending=sending,
            done=done,
            rows=[(label, format_number(value, language)) for label, value in rows],
            progress_done=sending.n_total - sending.n_waiting,
            task=TASK_STATUS_LABELS.get(task or "", task) if task else None,
            issue_url=reverse("admin:bulletins_bulletin_change", args=[pk]),
            refresh_seconds=REFRESH_SECONDS,
        )
        return TemplateResponse(request, "admin/delivery/sending/progress.html", context)

    @admin.display(description=_("progress"))
    def progress(self, obj: Any) -> str:
        if not obj.n_total:
            return "—"
        done = obj.n_total - obj.n_waiting
        return format_html(
            '<progress value="{}" max="{}"></progress> <a href="{}">{} / {}</a>',
            done,
            obj.n_total,
            reverse("admin:delivery_sending_progress", args=[obj.pk]),
            done,
            obj.n_total,
        )

    n_sent = _count_column("n_sent", _("sent"), sortable=True)
    n_failed = _count_column("n_failed", _("failed"))
    n_bounced = _count_column("n_bounced", _("bounced"))
    n_waiting = _count_column("n_waiting", _("waiting"))
    n_duplicated = _count_column("n_duplicated", _("possibly duplicated"))

    @admin.display(description=_("background task"))
    def task(self, obj: Any) -> str:
        status = sending_task_status(bulletin_id=obj.pk)
        return str(TASK_STATUS_LABELS.get(status or "", status or "—"))

    @admin.action(description=_("Send to subscribers (in the background)"), permissions=["send"])
    def queue_sending(self, request: HttpRequest, queryset: QuerySet[Sending]) -> None:
        queued = 0
        for bulletin in queryset:
            try:
                delivery_queue_send(actor=request.user, bulletin=bulletin)
            except ApplicationError as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
                continue
            queued += 1
        if queued:
            self.message_user(
                request,
                ngettext(
                    "Sending of %(count)d issue queued; its progress shows here.",
                    "Sending of %(count)d issues queued; their progress shows here.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )


@admin.register(Delivery)
# Only the sending engine, bounce handling and subscribers leaving write deliveries.
class DeliveryAdmin(ReadOnlyAdminMixin, SpellingSearchAdmin[Delivery]):
    list_display = ["bulletin_named", "subscriber", "state", "attempts", "possibly_duplicated",
                    "sent"]  # fmt: skip
    list_filter = ["state", "possibly_duplicated", ("bulletin__series", NamedRelatedFilter)]
    search_fields = ["subscriber__email", "message_id"]
    list_select_related = ["bulletin__series", "subscriber"]
    show_full_result_count = False
    # Every field, the moments written in the admin's calendar.
    fields = readonly_fields = tuple(
        {"sent_at": "sent", "next_attempt_at": "next_attempt"}.get(field.name, field.name)
        for field in Delivery._meta.fields
        if field.name != "id"
    )
    sent = datetime_column("sent_at", _("sent at"))
    next_attempt = datetime_column("next_attempt_at", _("next attempt at"))
    bulletin_named = named_column("bulletin", _("issue"), ordering="bulletin")
