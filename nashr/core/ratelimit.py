"""A fixed-window rate limit kept in the cache only.

Callers pass keyed hashes (of a client address, of an email address) or ids as values,
and the key is hashed once more, so the cache holds no address in the clear and nothing
of it reaches the database.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def _key(namespace: str, kind: str, value: str) -> str:
    digest = salted_hmac(namespace, f"{kind}:{value}").hexdigest()
    return f"nashr-rl:{kind}:{digest[:32]}"


def hit(*, namespace: str, kind: str, value: str, limit: int, window: int) -> bool:
    """Count one attempt; False when `limit` attempts were already made in this window."""
    key = _key(namespace, kind, value)
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
