from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from nashr.core.bidi import direction
from nashr.core.languages import current_language


def site(request: HttpRequest) -> dict[str, object]:
    language = current_language()
    return {
        "SITE_URL": settings.NASHR_SITE_URL,
        "LANGUAGE_DIRECTION": direction(language),
        "PAGE_LANGUAGE": language,
    }
