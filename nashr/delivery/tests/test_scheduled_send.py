"""A bulletin scheduled to be published and sent is, by the worker, at its times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.bulletins.services import bulletin_draft, bulletin_schedule
from nashr.core.actors import COMMAND
from nashr.core.exceptions import StateError
from nashr.delivery.services import delivery_schedule_send
from nashr.testing.clock import Clock, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_scheduled_publish_and_send_caught_up_after_downtime(
    settings: Any,
    clock: Clock,
    smtp_sink: Any,
    make_series: Callable[..., Any],
    make_subscribers: Callable[..., list[Any]],
) -> None:
    """Not before its time; after a downtime past both times, published then sent once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    series = make_series()
    readers = make_subscribers(series, 3)
    draft = bulletin_draft(
        actor=COMMAND, series=series, year=2024, month=3, editorial_body="Monday's issue."
    )
    monday = clock.current + dt.timedelta(days=3)
    bulletin_schedule(actor=COMMAND, bulletin=draft, publish_at=monday)
    delivery_schedule_send(actor=COMMAND, bulletin=draft, send_at=monday + dt.timedelta(hours=1))

    clock.set(monday - dt.timedelta(minutes=1))
    run_worker()
    draft.refresh_from_db()
    assert draft.status == BulletinStatus.DRAFT and smtp_sink.count() == 0

    clock.set(monday + dt.timedelta(hours=5))
    run_worker()
    issue = Bulletin.objects.get(pk=draft.pk)
    assert issue.status == BulletinStatus.PUBLISHED and issue.number == 47
    assert issue.published_at == monday
    assert (issue.publish_at, issue.send_at) == (None, None)
    assert sorted(m for r in readers for m in [len(smtp_sink.to(r.email))]) == [1, 1, 1]


def test_send_time_before_publishing_time_is_refused(
    clock: Clock, make_series: Callable[..., Any]
) -> None:
    """A draft would not be published by its sending time: refused with what to do."""
    draft = bulletin_draft(actor=COMMAND, series=make_series(), year=2024, month=3)
    with pytest.raises(StateError) as refused:
        delivery_schedule_send(actor=COMMAND, bulletin=draft, send_at=clock.current)
    assert refused.value.hint
