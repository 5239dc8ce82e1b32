"""Background sending (django-tasks): the same engine as `nashr bulletin send`."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from nashr.bulletins.models import Bulletin
from nashr.core.actors import TASKS
from nashr.core.tasks import enqueue_at
from nashr.delivery import services
from nashr.delivery.engine import DEFAULT_CONNECTIONS, delivery_send


@task()
def send_bulletin(bulletin_id: int, workers: int = DEFAULT_CONNECTIONS) -> dict[str, int]:
    """Send an issue; its progress is the deliveries' states, shown in the admin."""
    bulletin = Bulletin.objects.select_related("series").get(pk=bulletin_id)
    return delivery_send(bulletin=bulletin, workers=workers).as_dict()


@task()
def send_due() -> list[int]:
    """Queue the sending of every issue whose sending time has come (missed ones too)."""
    return services.deliveries_send_due(actor=TASKS)


def enqueue_send_due(when: dt.datetime) -> None:
    enqueue_at(send_due, when)
