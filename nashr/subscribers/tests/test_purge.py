"""Addresses never confirmed are deleted NASHR_UNCONFIRMED_DAYS after their last consent."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from nashr.audit.models import AuditEntry
from nashr.core.actors import COMMAND
from nashr.subscribers import services, tasks
from nashr.subscribers.models import Subscriber, Subscription

pytestmark = pytest.mark.django_db


def _age(email: str, days: float) -> None:
    """Make the address's consent (and its lists') `days` old."""
    then = timezone.now() - dt.timedelta(days=days)
    Subscriber.objects.filter(email=email).update(consented_at=then)
    Subscription.objects.filter(subscriber__email=email).update(consented_at=then)


@pytest.fixture
def addresses(make_series, make_subscribers):
    """Old and new, pending and confirmed addresses, and one that was confirmed, then left."""
    series = make_series()
    make_subscribers(series, 2, status="pending", prefix="old-pending")
    make_subscribers(series, 1, status="pending", prefix="new-pending")
    make_subscribers(series, 1, prefix="old-confirmed")
    (left,) = make_subscribers(series, 1, prefix="old-left")
    Subscriber.objects.filter(pk=left.pk).update(status="unsubscribed")
    for email in ("old-pending0", "old-pending1", "old-confirmed0", "old-left0"):
        _age(f"{email}@example.org", 15)
    _age("new-pending0@example.org", 13)
    return series


def _emails() -> set[str]:
    return set(Subscriber.objects.values_list("email", flat=True))


def test_command_deletes_only_old_unconfirmed_addresses(addresses) -> None:
    """`nashr subscribers purge-unconfirmed` deletes the two 15-day-old pending addresses, and
    the audit trail says how many, not which."""
    out = io.StringIO()
    call_command("subscribers", "purge-unconfirmed", stdout=out)
    assert "14 days: 2" in out.getvalue()
    assert _emails() == {
        "new-pending0@example.org",
        "old-confirmed0@example.org",
        "old-left0@example.org",
    }
    assert not Subscription.objects.filter(subscriber__email__startswith="old-pending").exists()
    entry = AuditEntry.objects.get(action="subscriber.purge_unconfirmed")
    assert (entry.actor_name, entry.changes) == ("system:command", {"deleted": 2, "days": 14})


def test_task_does_the_same_for_the_worker(addresses, settings) -> None:
    """The django-tasks task (what `--enqueue` hands to the worker) purges with the setting."""
    settings.NASHR_UNCONFIRMED_DAYS = 10
    result = tasks.purge_unconfirmed.enqueue()
    assert result.return_value == 3
    call_command("subscribers", "purge-unconfirmed", "--enqueue", stdout=io.StringIO())
    assert _emails() == {"old-confirmed0@example.org", "old-left0@example.org"}


def test_asking_again_restarts_the_wait(make_series) -> None:
    """An address that asks again for a link is kept NASHR_UNCONFIRMED_DAYS from then."""
    series = make_series()
    form = {"email": "again@example.org", "series": [series.pk]}
    Client().post("/en/subscribe/", form)
    _age("again@example.org", 13)
    Client().post("/en/subscribe/", form)
    two_days_later = timezone.now() + dt.timedelta(days=2)
    assert services.subscribers_purge_unconfirmed(actor=COMMAND, now=two_days_later) == 0
    assert _emails() == {"again@example.org"}
