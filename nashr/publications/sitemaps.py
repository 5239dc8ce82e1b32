"""/sitemap.xml: every public page, each naming its versions in the other languages.

Built with ``django.contrib.sitemaps``. The site's own pages (home, each kind's list,
the archive) exist in every interface language, so Django's i18n sitemap lists each in
each language with the others as hreflang alternates. A publication is one page per
language version it has; each names the versions sharing its translation key, and
gives when it last changed.
"""

from __future__ import annotations

import uuid
from operator import attrgetter
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.functional import cached_property

from nashr.publications import selectors
from nashr.publications.models import Kind, Publication

# Django's sitemap.xml, with the time of day in <lastmod>.
TEMPLATE = "publications/sitemap.xml"

by_language = attrgetter("language")


class SiteSitemap(Sitemap[Any]):
    """Addresses on the public site (NASHR_SITE_URL), whichever host the request came by."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.NASHR_SITE_URL).scheme or "https"

    def get_domain(self, site: Any = None) -> str:
        parts = urlsplit(settings.NASHR_SITE_URL)
        return parts.netloc + parts.path


class PagesSitemap(SiteSitemap):
    """The home page, each kind's list and the archive, in every interface language."""

    i18n = True
    alternates = True

    def items(self) -> list[tuple[str, dict[str, str]]]:
        kinds = [("publications:kind", {"kind": kind.slug}) for kind in Kind.objects.all()]
        return [("publications:home", {}), *kinds, ("publications:archive", {})]

    def location(self, item: tuple[str, dict[str, str]]) -> str:
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


class PublicationsSitemap(SiteSitemap):
    """Each published language version, with its other versions as alternates."""

    @cached_property
    def _published(self) -> list[Publication]:
        # The view makes a sitemap per request; the pages and the alternates share one read
        # (of tens of thousands of publications: without their text, which it never shows).
        return list(selectors.publication_list().order_by("id").defer("body", "body_html"))

    @cached_property
    def _addresses(self) -> dict[int, str]:
        """Each publication's path, worked out once for its entry and its alternates."""
        return {publication.pk: publication.get_absolute_url() for publication in self._published}

    def items(self) -> list[Publication]:
        return self._published

    def location(self, publication: Publication) -> str:
        return self._addresses[publication.pk]

    def lastmod(self, publication: Publication) -> Any:
        return publication.updated_at

    def get_urls(self, page: int | str = 1, site: Any = None, protocol: str | None = None) -> Any:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        root = f"{self.get_protocol()}://{self.get_domain()}"
        versions: dict[uuid.UUID, list[Publication]] = {}
        for publication in self.items():
            versions.setdefault(publication.translation_key, []).append(publication)
        for url in urls:
            url["alternates"] = [
                {"lang_code": version.language, "location": root + self._addresses[version.pk]}
                for version in sorted(versions[url["item"].translation_key], key=by_language)
            ]
        return urls


SITEMAPS: dict[str, type[Sitemap[Any]]] = {
    "pages": PagesSitemap,
    "publications": PublicationsSitemap,
}
