"""Work for the task worker (`nashr db_worker`): scheduled publishing of issues."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from nashr.bulletins import services
from nashr.core.actors import TASKS
from nashr.core.tasks import enqueue_at


@task()
def publish_due() -> list[int]:
    """Publish every draft whose time has come (all missed ones after a downtime)."""
    return [bulletin.pk for bulletin in services.bulletins_publish_due(actor=TASKS)]


def enqueue_publish_due(when: dt.datetime) -> None:
    enqueue_at(publish_due, when)
