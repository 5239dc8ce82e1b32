"""The retry policy: when a message that failed for a while is tried again."""

from __future__ import annotations

import datetime as dt

from nashr.delivery.retry import MAX_DELAY, RetryPolicy

NOW = dt.datetime(2023, 11, 1, 12, 0, tzinfo=dt.UTC)


def test_delay_doubles_with_every_attempt() -> None:
    """The first retry waits the base delay, each later one twice the one before."""
    policy = RetryPolicy(base=60, max_attempts=6)
    delays = [policy.next_attempt(attempts, NOW) for attempts in range(1, 6)]
    assert [when - NOW for when in delays if when is not None] == [
        dt.timedelta(seconds=seconds) for seconds in (60, 120, 240, 480, 960)
    ]


def test_no_retry_after_the_last_attempt() -> None:
    """After max_attempts attempts the message is given up (None), not retried."""
    policy = RetryPolicy(base=60, max_attempts=3)
    assert policy.next_attempt(2, NOW) is not None
    assert policy.next_attempt(3, NOW) is None
    assert policy.next_attempt(4, NOW) is None


def test_delay_is_capped() -> None:
    """However many attempts are left, no retry is put off more than six hours."""
    policy = RetryPolicy(base=3600, max_attempts=100)
    assert policy.next_attempt(30, NOW) == NOW + dt.timedelta(seconds=MAX_DELAY)


def test_policy_comes_from_settings(settings) -> None:
    """NASHR_SEND_RETRY_BASE and NASHR_SEND_MAX_ATTEMPTS make the policy."""
    settings.NASHR_SEND_RETRY_BASE = "0.5"
    settings.NASHR_SEND_MAX_ATTEMPTS = "2"
    policy = RetryPolicy.from_settings()
    assert policy == RetryPolicy(base=0.5, max_attempts=2)
    assert policy.next_attempt(1, NOW) == NOW + dt.timedelta(seconds=0.5)
    assert policy.next_attempt(2, NOW) is None
