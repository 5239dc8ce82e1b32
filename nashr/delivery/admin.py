"""Admin: queue an issue's sending as a background task, follow its progress, and
download the message a subscriber receives (.eml). Deliveries are read-only records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.admin import ReadOnlyAdminMixin
from nashr.core.exceptions import ApplicationError
from nashr.delivery.message import bulletin_message_preview
from nashr.delivery.models import Delivery, DeliveryState, Sending
from nashr.delivery.selectors import sending_task_status
from nashr.delivery.services import delivery_queue_send

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


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
        "__str__",
        "published_at",
        "progress",
        "n_sent",
        "n_failed",
        "n_bounced",
        "n_waiting",
        "n_duplicated",
        "task",
    ]
    list_filter = ["series"]
    actions = ["queue_sending"]
    fields = ["series", "number", "published_at"]
    readonly_fields = ["series", "number", "published_at"]

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

    @admin.display(description=_("progress"))
    def progress(self, obj: Any) -> str:
        if not obj.n_total:
            return "—"
        done = obj.n_total - obj.n_waiting
        return format_html(
            '<progress value="{}" max="{}"></progress> {} / {}',
            done,
            obj.n_total,
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
        return sending_task_status(bulletin_id=obj.pk) or "—"

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
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Delivery]):
    list_display = ["bulletin", "subscriber", "state", "attempts", "possibly_duplicated", "sent_at"]
    list_filter = ["state", "possibly_duplicated", "bulletin__series"]
    search_fields = ["subscriber__email", "message_id"]
    list_select_related = ["bulletin__series", "subscriber"]
    show_full_result_count = False
    readonly_fields = [field.name for field in Delivery._meta.fields]
