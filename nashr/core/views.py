"""Pages outside the language prefixes: `/` and robots.txt.

/sitemap.xml, the third, lists publications: ``nashr.publications.sitemaps``.
"""

from __future__ import annotations

from django.conf import settings
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
