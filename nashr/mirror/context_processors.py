"""What every page needs to know of the mirror: whether it is rendered for one
(``core.mirror_mode``), and the other addresses of the site."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from nashr.core.mirror_mode import mirror_mode


def mirror(request: HttpRequest) -> dict[str, object]:
    return {
        "mirror_mode": mirror_mode(request),
        "MIRROR_URLS": settings.NASHR_MIRROR_URLS,
        "ONION_URL": settings.NASHR_ONION_URL,
    }
