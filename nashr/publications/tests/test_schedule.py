"""A scheduled publication appears at its time through the task worker, and not before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from nashr.audit.models import AuditEntry
from nashr.core.actors import COMMAND
from nashr.core.exceptions import PermissionDenied
from nashr.publications import services
from nashr.publications.models import Publication, Status
from nashr.testing.clock import Clock, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def scheduled(
    settings: pytest.FixtureRequest, clock: Clock, make_publication: Callable[..., Publication]
) -> Publication:
    settings.TASKS = DATABASE_TASKS  # type: ignore[attr-defined]
    draft = make_publication(status=Status.DRAFT, title="بیانیه‌ی تجمع")
    return services.publication_schedule(
        actor=COMMAND, publication=draft, publish_at=clock.current + dt.timedelta(hours=2)
    )


def _page_status(client: Client, publication: Publication) -> int:
    return client.get(publication.get_absolute_url()).status_code


def test_published_at_its_time_and_not_before(scheduled: Publication, clock: Clock) -> None:
    """One minute before, the worker leaves it a draft; at the time, it is published."""
    client = Client()
    clock.advance(hours=1, minutes=59)
    run_worker()
    scheduled.refresh_from_db()
    assert scheduled.status == Status.DRAFT
    assert _page_status(client, scheduled) == 404

    clock.advance(minutes=1)
    run_worker()
    scheduled.refresh_from_db()
    assert scheduled.status == Status.PUBLISHED
    assert scheduled.published_at == clock.current
    assert scheduled.publish_at is None
    assert _page_status(client, scheduled) == 200
    entry = AuditEntry.objects.filter(action="publication.publish").get()
    assert entry.actor_name == "system:tasks"


def test_caught_up_after_the_worker_was_down(scheduled: Publication, clock: Clock) -> None:
    """A worker back a day late publishes it at once, bearing its scheduled time."""
    due = scheduled.publish_at
    clock.advance(days=1)
    run_worker()
    scheduled.refresh_from_db()
    assert scheduled.status == Status.PUBLISHED
    assert scheduled.published_at == due


def test_moved_later_is_not_published_at_the_old_time(scheduled: Publication, clock: Clock) -> None:
    """The task queued for the old time finds nothing due."""
    services.publication_schedule(
        actor=COMMAND, publication=scheduled, publish_at=clock.current + dt.timedelta(hours=5)
    )
    clock.advance(hours=3)
    run_worker()
    scheduled.refresh_from_db()
    assert scheduled.status == Status.DRAFT
    clock.advance(hours=2)
    run_worker()
    scheduled.refresh_from_db()
    assert scheduled.status == Status.PUBLISHED


def test_an_author_cannot_schedule(
    make_publication: Callable[..., Publication], make_staff: Callable[..., Any], clock: Clock
) -> None:
    """Scheduling is publishing: the author's role refuses it."""
    draft = make_publication(status=Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.publication_schedule(
            actor=make_staff("author"), publication=draft, publish_at=clock.current
        )
