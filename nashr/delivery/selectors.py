"""Reads of deliveries: a sending's task, a subscriber's record of messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.delivery.models import Delivery, DeliveryState
from nashr.subscribers.models import Subscriber, Subscription

TASK_PATH = "nashr.delivery.tasks.send_bulletin"


def bulletins_due_to_send() -> list[int]:
    """The ids of the published issues whose sending time has come."""
    due = Bulletin.objects.filter(send_at__lte=timezone.now(), status=BulletinStatus.PUBLISHED)
    return list(due.values_list("pk", flat=True))


def sending_task_status(*, bulletin_id: int) -> str | None:
    """The status of the last background task sending this issue (database backend only)."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return None
    from django_tasks_db.models import DBTaskResult

    last = (
        DBTaskResult.objects.filter(
            task_path=TASK_PATH, args_kwargs__kwargs__bulletin_id=bulletin_id
        )
        .order_by("-enqueued_at")
        .values_list("status", flat=True)
        .first()
    )
    return str(last) if last else None


def sending_recipients_count(*, bulletin: Bulletin) -> int:
    """How many readers a sending of the issue reaches: confirmed on its series' list
    (the readers `delivery_enqueue` queues)."""
    return Subscription.objects.filter(
        series_id=bulletin.series_id, status="confirmed", subscriber__status="confirmed"
    ).count()


@dataclass(frozen=True)
class EarlierSending:
    """What was already sent of an issue: how many messages went out, the last one when."""

    sent: int
    last_sent_at: dt.datetime | None


def sending_earlier(*, bulletin: Bulletin) -> EarlierSending | None:
    """The issue's earlier sending, if any of its messages left."""
    sent = Delivery.objects.filter(bulletin=bulletin, state=DeliveryState.SENT)
    found = sent.aggregate(last=Max("sent_at"))
    count = sent.count()
    return EarlierSending(sent=count, last_sent_at=found["last"]) if count else None


def subscriber_deliveries_count(subscriber: Subscriber) -> int:
    return Delivery.objects.filter(subscriber=subscriber).count()


def subscriber_deliveries_export(subscriber: Subscriber) -> list[dict[str, Any]]:
    """The subscriber's deliveries as their data download lists them."""
    deliveries = (
        Delivery.objects.filter(subscriber=subscriber)
        .select_related("bulletin__series")
        .order_by("id")
    )
    return [
        {
            "series": delivery.bulletin.series.slug,
            "number": delivery.bulletin.number,
            "state": delivery.state,
            "attempts": delivery.attempts,
            "last_error": delivery.last_error,
            "message_id": delivery.message_id,
            "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
        }
        for delivery in deliveries
    ]
