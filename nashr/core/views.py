"""Pages outside the language prefixes: `/`, the sitemap, robots.txt."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language_from_request, override

from nashr.publications import selectors
from nashr.publications.models import Kind


def language_root(request: HttpRequest) -> HttpResponse:
    """`/` sends the reader to /fa/ or /en/ by their browser's Accept-Language."""
    language = get_language_from_request(request, check_path=False)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    response = HttpResponseRedirect(f"/{language}/")
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


@dataclass(frozen=True)
class SitemapEntry:
    location: str
    alternates: list[tuple[str, str]]
    lastmod: dt.datetime | None = None


def _in_every_language(name: str, **kwargs: str) -> list[SitemapEntry]:
    """One entry per interface language for a page that exists in each of them."""
    urls: list[tuple[str, str]] = []
    for language, _name in settings.LANGUAGES:
        with override(language):
            urls.append((language, settings.NASHR_SITE_URL + reverse(name, kwargs=kwargs)))
    return [SitemapEntry(location=url, alternates=urls) for _language, url in urls]


def sitemap_entries() -> list[SitemapEntry]:
    """The site's pages; each names its versions in the other languages (hreflang)."""
    entries = _in_every_language("publications:home")
    for kind in Kind.objects.all():
        entries += _in_every_language("publications:kind", kind=kind.slug)
    entries += _in_every_language("publications:archive")
    publications = list(selectors.publication_list().order_by("id"))
    groups: dict[str, list[tuple[str, str]]] = {}
    for publication in publications:
        groups.setdefault(str(publication.translation_key), []).append(
            (publication.language, settings.NASHR_SITE_URL + publication.get_absolute_url())
        )
    entries += [
        SitemapEntry(
            location=settings.NASHR_SITE_URL + publication.get_absolute_url(),
            alternates=sorted(groups[str(publication.translation_key)]),
            lastmod=publication.updated_at,
        )
        for publication in publications
    ]
    return entries


def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page with hreflang alternates of its other language versions."""
    xml = render_to_string("core/sitemap.xml", {"entries": sitemap_entries()})
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        *(f"Disallow: /{language}/admin/" for language, _name in settings.LANGUAGES),
        f"Sitemap: {settings.NASHR_SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
