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


def test_send_scheduled_from_the_persian_admin(
    settings: Any,
    clock: Clock,
    smtp_sink: Any,
    published_bulletin: Bulletin,
    make_subscribers: Callable[..., list[Any]],
) -> None:
    """The send page takes a Jalali time; the worker sends the issue then, and not before."""
    from django.contrib.auth.models import User
    from django.test import Client

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TIME_ZONE = "Asia/Tehran"
    readers = make_subscribers(published_bulletin.series, 2)
    client = Client()
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "a long pw 12"))
    url = f"/fa/admin/delivery/sending/{published_bulletin.pk}/send/"
    # 1402/12/28 10:00 in Tehran is 2024-03-18 06:30 UTC, half an hour after the clock.
    response = client.post(url, {"schedule": "1", "send_at_0": "۱۴۰۲/۱۲/۲۸", "send_at_1": "10:00"})
    assert response.status_code == 302, response.content.decode()[:2000]
    published_bulletin.refresh_from_db()
    assert published_bulletin.send_at == dt.datetime(2024, 3, 18, 6, 30, tzinfo=dt.UTC)

    clock.set(dt.datetime(2024, 3, 18, 6, 29, tzinfo=dt.UTC))
    run_worker()
    assert smtp_sink.count() == 0
    clock.set(dt.datetime(2024, 3, 18, 6, 30, tzinfo=dt.UTC))
    run_worker()
    assert all(len(smtp_sink.to(r.email)) == 1 for r in readers)


def test_admin_refuses_a_send_time_it_cannot_read(
    published_bulletin: Bulletin, make_subscribers: Callable[..., list[Any]]
) -> None:
    """A Gregorian date typed in the Persian admin's field is refused on the field, nothing set."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "a long pw 12"))
    url = f"/fa/admin/delivery/sending/{published_bulletin.pk}/send/"
    response = client.post(url, {"schedule": "1", "send_at_0": "2024-03-18", "send_at_1": "10:00"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    published_bulletin.refresh_from_db()
    assert published_bulletin.send_at is None


def test_admin_refuses_a_send_time_in_the_past(
    clock: Clock, published_bulletin: Bulletin, make_subscribers: Callable[..., list[Any]]
) -> None:
    """A sending time gone by (a month typed one too low) is refused on the field, named in
    Jalali and Persian digits, instead of sending at once; nothing is set."""
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_superuser("editor", "e@example.org", "a long pw 12"))
    url = f"/fa/admin/delivery/sending/{published_bulletin.pk}/send/"
    response = client.post(url, {"schedule": "1", "send_at_0": "۱۴۰۲/۱۱/۲۸", "send_at_1": "10:00"})
    assert response.status_code == 200
    assert "زمان ۲۸ بهمن ۱۴۰۲ ۱۰:۰۰ گذشته است" in response.content.decode()
    published_bulletin.refresh_from_db()
    assert published_bulletin.send_at is None
