"""Admin: queue an issue's sending as a background task, and follow its progress."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nashr.bulletins.models import BulletinStatus
from nashr.delivery.models import Delivery, DeliveryState, Sending
from nashr.delivery.selectors import sending_task_status
from nashr.delivery.tasks import send_bulletin


@admin.register(Sending)
class SendingAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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

    @admin.display(description=_("sent"), ordering="n_sent")
    def n_sent(self, obj: Any) -> int:
        return int(obj.n_sent)

    @admin.display(description=_("failed"))
    def n_failed(self, obj: Any) -> int:
        return int(obj.n_failed)

    @admin.display(description=_("bounced"))
    def n_bounced(self, obj: Any) -> int:
        return int(obj.n_bounced)

    @admin.display(description=_("waiting"))
    def n_waiting(self, obj: Any) -> int:
        return int(obj.n_waiting)

    @admin.display(description=_("possibly duplicated"))
    def n_duplicated(self, obj: Any) -> int:
        return int(obj.n_duplicated)

    @admin.display(description=_("background task"))
    def task(self, obj: Any) -> str:
        return sending_task_status(bulletin_id=obj.pk) or "—"

    @admin.action(description=_("Send to subscribers (in the background)"))
    def queue_sending(self, request: HttpRequest, queryset: QuerySet[Sending]) -> None:
        queued = 0
        for bulletin in queryset:
            status = sending_task_status(bulletin_id=bulletin.pk)
            if status in ("READY", "RUNNING"):
                self.message_user(
                    request,
                    _("%(issue)s is already being sent.") % {"issue": bulletin},
                    messages.WARNING,
                )
                continue
            send_bulletin.enqueue(bulletin_id=bulletin.pk)
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
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["bulletin", "subscriber", "state", "attempts", "possibly_duplicated", "sent_at"]
    list_filter = ["state", "possibly_duplicated", "bulletin__series"]
    search_fields = ["subscriber__email", "message_id"]
    list_select_related = ["bulletin__series", "subscriber"]
    show_full_result_count = False
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
