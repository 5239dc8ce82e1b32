from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.translation import get_language_from_request

from nashr.publications import selectors


def language_root(request: HttpRequest) -> HttpResponse:
    """`/` sends the reader to /fa/ or /en/ by their browser's Accept-Language."""
    language = get_language_from_request(request, check_path=False)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    response = HttpResponseRedirect(f"/{language}/")
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def sitemap(request: HttpRequest) -> HttpResponse:
    """Every published version with hreflang alternates of its other versions."""
    publications = list(selectors.publication_list().order_by("id"))
    groups: dict[str, list[tuple[str, str]]] = {}
    for publication in publications:
        groups.setdefault(str(publication.translation_key), []).append(
            (publication.language, settings.NASHR_SITE_URL + publication.get_absolute_url())
        )
    entries = [
        {
            "location": settings.NASHR_SITE_URL + publication.get_absolute_url(),
            "lastmod": publication.updated_at,
            "alternates": groups[str(publication.translation_key)],
        }
        for publication in publications
    ]
    xml = render_to_string("core/sitemap.xml", {"entries": entries})
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


def robots(request: HttpRequest) -> HttpResponse:
    body = f"User-agent: *\nDisallow: /fa/admin/\nDisallow: /en/admin/\nSitemap: {settings.NASHR_SITE_URL}/sitemap.xml\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
