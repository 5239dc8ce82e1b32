"""Work for the task worker (`nashr db_worker`): scheduled publishing."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from nashr.core.actors import TASKS
from nashr.publications import services


@task()
def publish_due() -> list[int]:
    """Publish every publication whose time has come; the ids published.

    Queued for each scheduled time; one run publishes everything due, so a worker that
    comes back after a downtime catches up with all it missed in its first run.
    """
    return [publication.pk for publication in services.publications_publish_due(actor=TASKS)]


def enqueue_publish_due(when: dt.datetime) -> None:
    """Queue `publish_due` to run at `when`, on a backend that can wait.

    A backend that runs tasks at once (the tests', a development setup) cannot; there the
    `nashr publish-due` command, run from cron, publishes what is due.
    """
    if publish_due.get_backend().supports_defer:
        publish_due.using(run_after=when).enqueue()
