"""Work for the task worker (`nashr db_worker`), the same services as the commands."""

from __future__ import annotations

from django_tasks import task

from nashr.core.actors import TASKS
from nashr.subscribers import services


@task()
def purge_unconfirmed() -> int:
    """Delete the addresses never confirmed in NASHR_UNCONFIRMED_DAYS; how many there were."""
    return services.subscribers_purge_unconfirmed(actor=TASKS)
