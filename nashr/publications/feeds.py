"""RSS and Atom feeds per language (the URL's) and per kind.

A feed carries the interface language of its address (/fa/feeds/…, /en/feeds/…) and
lists what a reader of that language sees on the site: the version in their language,
or the original where there is no translation. An Atom entry in another language than
its feed says so with its own xml:lang.
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
from django.utils.translation import gettext as _

from nashr.core.languages import current_language
from nashr.publications import selectors
from nashr.publications.models import Kind, Publication

FEED_SIZE = 30


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
        return item.title

    def item_description(self, item: Publication) -> str:
        return item.summary or item.body_html

    def item_link(self, item: Publication) -> str:
        return reverse("publications:detail", kwargs={"pk": item.pk, "slug": item.slug or "-"})

    def item_pubdate(self, item: Publication) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Publication) -> dt.datetime | None:
        return item.updated_at

    def item_author_name(self, item: Publication) -> str | None:
        return item.signatory.name(item.language) if item.signatory else None

    def item_categories(self, item: Publication) -> list[str]:
        return [item.kind.name(current_language())]

    def item_extra_kwargs(self, item: Publication) -> dict[str, Any]:
        return {"language": item.language}


class LatestRss(_PublicationFeed):
    def title(self) -> str:
        return _("Nashr: latest publications")

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
        return _("Nashr: %(kind)s") % {"kind": obj.plural(current_language())}

    def link(self, obj: Kind) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Kind) -> str:
        return obj.plural(current_language())

    def subtitle(self, obj: Kind) -> str:
        return self.description(obj)

    def items(self, obj: Kind) -> QuerySet[Publication]:
        return selectors.publication_for_language(language=current_language()).filter(kind=obj)[
            :FEED_SIZE
        ]


class KindAtom(KindRss):
    feed_type = LanguageAtom1Feed
