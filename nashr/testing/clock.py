"""A clock for tests: Django's `timezone.now()` returns what the test sets.

Every service, and django-tasks' database worker when it picks the tasks whose time has
come, reads the time through `django.utils.timezone.now`; replacing that one function
moves the whole application's clock, and nothing else (the database's own clock is not
used by either).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def set(self, when: dt.datetime) -> None:
        self.current = when

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The application's clock, stopped at a fixed time until the test moves it."""
    fake = Clock(dt.datetime(2024, 3, 18, 6, 0, tzinfo=dt.UTC))
    monkeypatch.setattr(timezone, "now", fake)
    yield fake


def run_worker() -> None:
    """The real database task worker, running every task that is due, then stopping."""
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
