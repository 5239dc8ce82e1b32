"""What readers see changed: the one call every service makes so cached pages are fresh.

Public pages are cached whole (the page cache itself lives in the middleware that
issue 11 builds). Instead of finding every page a change touches, a service that
changes anything a reader can see calls ``public_pages_changed()``; that bumps one
generation number, part of every cached page's key, so every cached page is missed on
the next request and rendered afresh. The bump waits for the service's transaction to
commit: a reader never gets the old page cached again under the new generation.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "nashr:public-pages:generation"


def public_generation() -> int:
    """The current generation of public pages (a number that only grows)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # add() does nothing if another process set it meanwhile.
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (a fresh or flushed cache): any new number is a new generation.
        cache.add(GENERATION_KEY, 2, timeout=None)


def public_pages_changed() -> None:
    """Every cached public page is stale once the current transaction commits."""
    transaction.on_commit(_bump)
