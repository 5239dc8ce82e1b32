"""The comment form's rate limits: nashr.core.ratelimit under the comments' key."""

from __future__ import annotations

from nashr.core import ratelimit


def hit(*, kind: str, value: str, limit: int, window: int) -> bool:
    """Count one comment; False when `limit` were already posted in this window."""
    return ratelimit.hit(
        namespace="nashr.comments.ratelimit", kind=kind, value=value, limit=limit, window=window
    )
