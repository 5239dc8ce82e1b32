"""Work for the task worker (`nashr db_worker`), the same services as the commands."""

from __future__ import annotations

from django_tasks import task

from nashr.comments import services
from nashr.core.actors import TASKS


@task()
def send_digest() -> int:
    """Mail the moderators one list of the comments waiting; how many mails were sent."""
    return services.comments_digest_send(actor=TASKS)
