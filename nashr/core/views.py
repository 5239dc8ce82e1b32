"""Pages outside the language prefixes: `/`, robots.txt and favicon.ico.

/sitemap.xml, the third, lists publications: ``nashr.publications.sitemaps``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import get_language_from_request


def language_root(request: HttpRequest) -> HttpResponse:
    """`/` sends the reader to /fa/ or /en/ by their browser's Accept-Language."""
    language = get_language_from_request(request, check_path=False)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    response = HttpResponseRedirect(f"/{language}/")
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        *(f"Disallow: /{language}/admin/" for language, _name in settings.LANGUAGES),
        f"Sitemap: {settings.NASHR_SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


FAVICON = "nashr/favicon.ico"
# A browser asks for /favicon.ico where a page names no icon (the admin's, a feed reader,
# an image opened alone), and caches it; a day lets a new one arrive soon enough.
FAVICON_MAX_AGE = 24 * 60 * 60


@functools.cache
def _favicon_bytes() -> bytes:
    # Found with the static files (app directories): collected or not, the same file.
    found = finders.find(FAVICON)
    if not found:
        raise FileNotFoundError(FAVICON)
    return Path(str(found)).read_bytes()


def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon (favicon.svg drawn at 16, 32 and 48 pixels: scripts/favicon-ico.py)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
    response.headers["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response
