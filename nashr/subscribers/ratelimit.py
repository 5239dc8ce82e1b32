"""A fixed-window rate limit kept in the cache only.

Keys are keyed hashes of the client address (or of the email address), so the cache holds
no IP address in the clear, and nothing of it reaches the database.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def _key(kind: str, value: str) -> str:
    digest = salted_hmac("nashr.subscribers.ratelimit", f"{kind}:{value}").hexdigest()
    return f"nashr-rl:{kind}:{digest[:32]}"


def hit(*, kind: str, value: str, limit: int, window: int) -> bool:
    """Count one attempt; False when `limit` attempts were already made in this window."""
    key = _key(kind, value)
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
