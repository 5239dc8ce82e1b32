"""The subscribe form's rate limits: nashr.core.ratelimit under the subscribers' key."""

from __future__ import annotations

from nashr.core import ratelimit


def hit(*, kind: str, value: str, limit: int, window: int) -> bool:
    """Count one attempt; False when `limit` attempts were already made in this window."""
    return ratelimit.hit(
        namespace="nashr.subscribers.ratelimit", kind=kind, value=value, limit=limit, window=window
    )
