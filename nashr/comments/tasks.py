"""Work for the task worker (`nashr db_worker`), the same services as the commands."""

from __future__ import annotations

from django_tasks import task

from nashr.comments import services
from nashr.core.actors import TASKS


@task()
def send_digest() -> int:
    """Mail the moderators one list of the comments waiting; how many mails were sent."""
    return services.comments_digest_send(actor=TASKS)


@task()
def send_confirmation(comment_id: int) -> int:
    """Mail a commenter the link that confirms their comment's address, within its limits."""
    return services.comment_email_confirmation_send(comment_id=comment_id)


@task()
def notify_reply(reply_id: int) -> int:
    """Tell a commenter of a reply to their comment, within the limits of such mail."""
    return services.reply_notify(reply_id=reply_id)
