"""/sitemap.xml: every public page, each naming its versions in the other languages.

Built with ``django.contrib.sitemaps``. The site's own pages (home, each kind's list,
the archive) exist in every interface language, so Django's i18n sitemap lists each in
each language with the others as hreflang alternates. A publication is one page per
language version it has; each names the versions sharing its translation key, and
gives when it last changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from operator import attrgetter
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import override

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


# Stand-ins reversed once per language, then replaced by each publication's own values.
_PK, _SLUG = 987654321, "nashr-slug-stand-in"


def detail_paths(publications: Iterable[Publication]) -> dict[int, str]:
    """`get_absolute_url()` of each publication, by id, without a `reverse()` each: the
    path is reversed once per language with stand-ins, which are then replaced by the id
    and the slug quoted as `reverse()` quotes it (a `reverse()` each was most of the time
    of a sitemap of tens of thousands of publications)."""
    patterns: dict[str, str] = {}
    paths = {}
    for publication in publications:
        slug = publication.slug or "-"
        if "/" in slug:  # reverse() refuses it: let it say so
            paths[publication.pk] = publication.get_absolute_url()
            continue
        pattern = patterns.get(publication.language)
        if pattern is None:
            with override(publication.language):
                pattern = reverse("publications:detail", kwargs={"pk": _PK, "slug": _SLUG})
            patterns[publication.language] = pattern
        paths[publication.pk] = pattern.replace(str(_PK), str(publication.pk), 1).replace(
            _SLUG, quote(slug, safe=RFC3986_SUBDELIMS + "/~:@"), 1
        )
    return paths


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
        return detail_paths(self._published)

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


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "pages": PagesSitemap,
    "publications": PublicationsSitemap,
}
