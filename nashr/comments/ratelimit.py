"""The comments' rate limits: nashr.core.ratelimit under the comments' key."""

from __future__ import annotations

from nashr.core import ratelimit

NAMESPACE = "nashr.comments.ratelimit"


def hit(*, kind: str, value: str, limit: int, window: int) -> bool:
    """Count one attempt; False when `limit` were already made in this window."""
    return ratelimit.hit(namespace=NAMESPACE, kind=kind, value=value, limit=limit, window=window)


def reset(*, kind: str, value: str) -> None:
    """Forget what was counted under (`kind`, `value`)."""
    ratelimit.reset(namespace=NAMESPACE, kind=kind, value=value)
