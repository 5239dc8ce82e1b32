"""Work for the task worker (`nashr db_worker`): what the fediverse is told, and sending it."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from nashr.core.changes import Changes, Topic
from nashr.federation import delivery, services


def _again_when_due() -> None:
    """Queue the next run for the next retry, where the backend can wait for it."""
    due = delivery.next_due()
    if due is not None and deliver.get_backend().supports_defer:
        deliver.using(run_after=due).enqueue()


@task()
def deliver() -> dict[str, int]:
    """Send every delivery due now; queue the next run at the next retry."""
    summary = delivery.deliveries_run()
    _again_when_due()
    return asdict(summary)


@task()
def sync_publications(ids: list[int]) -> dict[str, int]:
    """Tell the followers what became of these publications, then send it."""
    queued = services.posts_sync(publication_ids=ids)
    summary = delivery.deliveries_run()
    _again_when_due()
    return {"queued": queued, **asdict(summary)}


def federation_queue_sync(changes: Changes) -> None:
    """The change feed's handler, after the commit: one task tells the followers (when on)."""
    if services.federation_on():
        sync_publications.enqueue(ids=sorted(changes[Topic.PUBLICATIONS]))
