from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from nashr.core.bidi import direction


def site(request: HttpRequest) -> dict[str, object]:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return {
        "SITE_URL": settings.NASHR_SITE_URL,
        "LANGUAGE_DIRECTION": direction(language),
        "PAGE_LANGUAGE": language,
    }
