"""Work for the task worker (`nashr db_worker`): scheduled publishing."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from nashr.core.actors import TASKS
from nashr.core.tasks import enqueue_at
from nashr.publications import services


@task()
def publish_due() -> list[int]:
    """Publish every publication whose time has come; the ids published.

    Queued for each scheduled time; one run publishes everything due, so a worker that
    comes back after a downtime catches up with all it missed in its first run.
    """
    return [publication.pk for publication in services.publications_publish_due(actor=TASKS)]


def enqueue_publish_due(when: dt.datetime) -> None:
    enqueue_at(publish_due, when)
