"""RSS and Atom feeds per language (the URL's) and per kind.

A feed carries the interface language of its address (/fa/feeds/…, /en/feeds/…) and
lists what a reader of that language sees on the site: the version in their language,
or the original where there is no translation. An Atom entry in another language than
its feed says so with its own xml:lang.

No field goes out as it was typed. A feed reader shows an entry's description as HTML
(both formats say so), and many show titles, authors and categories as HTML as well
(RSS leaves it open), so markup typed into a plain-text field, such as an image on
another host, would be loaded by every reader of the feed and tell that host who reads
it. Plain-text fields go out through `feed_text`, a summary escaped, and HTML only as
the sanitized `body_html`, which holds no remote image.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape
from django.utils.translation import gettext as _

from nashr.core.languages import current_language, site_name
from nashr.publications import selectors
from nashr.publications.models import Kind, Publication

FEED_SIZE = 30


def feed_text(text: str) -> str:
    """A plain-text field that no feed reader turns into markup, whether it takes it for
    text or for HTML.

    Only `<` can open an element; written as an entity it shows as itself in a reader
    that takes the field for HTML, and as "&lt;" in one that takes it for text, which a
    title rarely holds. `&` stays as it is, so "Wages & prices" reads right in both.
    """
    return text.replace("<", "&lt;")


class LanguageAtom1Feed(Atom1Feed):
    """Atom whose entries carry xml:lang when they differ from the feed's language."""

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        attributes = dict(super().item_attributes(item))
        language = item.get("language")
        if language and language != self.feed.get("language"):
            attributes["xml:lang"] = language
        return attributes


class _PublicationFeed(Feed[Publication, Any]):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def item_title(self, item: Publication) -> str:
        return feed_text(item.title)

    def item_description(self, item: Publication) -> str:
        # The description is HTML: the plain summary escaped, or the sanitized body.
        return escape(item.summary) if item.summary else item.body_html

    def item_link(self, item: Publication) -> str:
        return reverse("publications:detail", kwargs={"pk": item.pk, "slug": item.slug or "-"})

    def item_pubdate(self, item: Publication) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Publication) -> dt.datetime | None:
        return item.updated_at

    def item_author_name(self, item: Publication) -> str | None:
        return feed_text(item.signatory.name(item.language)) if item.signatory else None

    def item_categories(self, item: Publication) -> list[str]:
        return [feed_text(item.kind.name(current_language()))]

    def item_extra_kwargs(self, item: Publication) -> dict[str, Any]:
        return {"language": item.language}


class LatestRss(_PublicationFeed):
    def title(self) -> str:
        return feed_text(_("%(site)s: latest publications") % {"site": site_name()})

    def link(self) -> str:
        return reverse("publications:home")

    def description(self) -> str:
        return _("Statements, articles, news and reports")

    def subtitle(self) -> str:
        return self.description()

    def items(self) -> QuerySet[Publication]:
        return selectors.publication_for_language(language=current_language())[:FEED_SIZE]


class LatestAtom(LatestRss):
    feed_type = LanguageAtom1Feed


class KindRss(_PublicationFeed):
    def get_object(self, request: HttpRequest, kind: str) -> Kind:
        return get_object_or_404(Kind, slug=kind)

    def title(self, obj: Kind) -> str:
        return feed_text(
            _("%(site)s: %(kind)s") % {"site": site_name(), "kind": obj.plural(current_language())}
        )

    def link(self, obj: Kind) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Kind) -> str:
        return feed_text(obj.plural(current_language()))

    def subtitle(self, obj: Kind) -> str:
        return self.description(obj)

    def items(self, obj: Kind) -> QuerySet[Publication]:
        return selectors.publication_for_language(language=current_language()).filter(kind=obj)[
            :FEED_SIZE
        ]


class KindAtom(KindRss):
    feed_type = LanguageAtom1Feed
