"""What every page needs to know of the mirror: whether it is being built into one, and
the other addresses of the site."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from nashr.core.pagecache import MIRROR_ENVIRON_KEY

# The WSGI environ key under which a mirror build hands every page what it fetched once
# for all of them (``nashr.mirror.pages``): it stands in for the other processors' queries.
MIRROR_CONTEXT_KEY = "nashr.mirror.context"


def mirror_mode(request: HttpRequest) -> str:
    """ "" on the live site; "primary" or "note" while the mirror is built (NASHR_MIRROR_FORMS)."""
    return str(request.META.get(MIRROR_ENVIRON_KEY, ""))


def mirror(request: HttpRequest) -> dict[str, object]:
    shared: dict[str, object] = request.META.get(MIRROR_CONTEXT_KEY) or {}
    return {
        **shared,
        "mirror_mode": mirror_mode(request),
        "MIRROR_URLS": settings.NASHR_MIRROR_URLS,
        "ONION_URL": settings.NASHR_ONION_URL,
    }
