"""Posting in the task worker (`nashr db_worker`): the engine of sending.py."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from nashr.telegram.models import Post, PostState
from nashr.telegram.sending import posts_send


@task()
def send_posts() -> dict[str, int]:
    """Send every channel's queue; queued again for what has to wait.

    Before it starts, it queues a successor for the end of the lease (when the backend
    can wait): a worker killed in the middle leaves the rest to it, since the task
    itself stays "running" in the database. The successor finds nothing to do when this
    run ended well.
    """
    backend = send_posts.get_backend()
    pending = Post.objects.filter(
        state__in=(PostState.QUEUED, PostState.SENDING), channel__stopped=False
    )
    if not pending.exists():
        return {}
    if backend.supports_defer and pending.filter(next_attempt_at__lte=timezone.now()).exists():
        lease = dt.timedelta(seconds=settings.NASHR_TELEGRAM_LEASE_SECONDS)
        send_posts.using(run_after=timezone.now() + lease).enqueue()
    summary, next_due = posts_send()
    if next_due is not None and backend.supports_defer:
        send_posts.using(run_after=next_due).enqueue()
    return summary.as_dict()
