"""When a message that could not be sent is tried again: the retry policy.

A temporary failure (a 4xx answer, a broken connection) puts the message back in the queue
after a delay that doubles with every attempt, from NASHR_SEND_RETRY_BASE seconds up to six
hours; after NASHR_SEND_MAX_ATTEMPTS attempts it fails for good. A permanent failure (5xx)
is never retried: that decision is the sending_rows's, before the policy is asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

MAX_DELAY = 6 * 3600  # seconds: a server down for a day still gets a try every six hours


@dataclass(frozen=True)
class RetryPolicy:
    base: float  # seconds between the first attempt and the second
    max_attempts: int

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        return cls(
            base=float(settings.NASHR_SEND_RETRY_BASE),
            max_attempts=int(settings.NASHR_SEND_MAX_ATTEMPTS),
        )

    def next_attempt(self, attempts: int, now: dt.datetime) -> dt.datetime | None:
        """When to try again a message whose `attempts`-th attempt failed just now (`now`),
        or None: that was its last attempt."""
        if attempts >= self.max_attempts:
            return None
        delay = min(self.base * 2 ** (attempts - 1), MAX_DELAY)
        return now + dt.timedelta(seconds=delay)
