"""RSS and Atom feeds per language (the URL's) and per kind."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nashr.publications import selectors
from nashr.publications.models import Kind, Publication

FEED_SIZE = 30


def _language() -> str:
    return (get_language() or "fa").split("-")[0]


class LatestRss(Feed[Publication, None]):
    feed_type = Rss201rev2Feed

    def title(self) -> str:
        return _("Nashr: latest publications")

    def link(self) -> str:
        return reverse("publications:home")

    def description(self) -> str:
        return _("Statements, articles, news and reports")

    def feed_extra_kwargs(self, obj: None) -> dict[str, str]:
        return {"language": _language()}

    def items(self) -> QuerySet[Publication]:
        return selectors.publication_for_language(language=_language())[:FEED_SIZE]

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        return item.summary or item.body_html

    def item_pubdate(self, item: Publication) -> dt.datetime | None:
        return item.published_at

    def item_categories(self, item: Publication) -> list[str]:
        return [item.kind.name(_language())]


class LatestAtom(LatestRss):
    feed_type = Atom1Feed
    subtitle = LatestRss.description


class KindRss(Feed[Publication, Kind]):
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, kind: str) -> Kind:  # type: ignore[override]
        return get_object_or_404(Kind, slug=kind)

    def title(self, obj: Kind) -> str:
        return _("Nashr: %(kind)s") % {"kind": obj.plural(_language())}

    def link(self, obj: Kind) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Kind) -> str:
        return obj.plural(_language())

    def feed_extra_kwargs(self, obj: Kind) -> dict[str, str]:
        return {"language": _language()}

    def items(self, obj: Kind) -> QuerySet[Publication]:
        return selectors.publication_for_language(language=_language()).filter(kind=obj)[
            :FEED_SIZE
        ]

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        return item.summary or item.body_html

    def item_pubdate(self, item: Publication) -> dt.datetime | None:
        return item.published_at


class KindAtom(KindRss):
    feed_type = Atom1Feed
    subtitle = KindRss.description
