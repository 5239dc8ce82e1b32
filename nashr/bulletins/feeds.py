"""An Atom feed of a series' published issues.

Plain-text fields go out through `feed_text` and the entry's content is the issue's
document, whose every piece of HTML was sanitized when it was rendered (see
`nashr.publications.feeds` for why).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import Http404
from django.utils.feedgenerator import Atom1Feed

from nashr.bulletins import selectors
from nashr.bulletins.models import Bulletin, Series
from nashr.bulletins.rendering import document_html_fragment
from nashr.publications.feeds import feed_text

FEED_SIZE = 24


class SeriesAtom(Feed[Bulletin, Series]):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, series: str) -> Series:
        found = selectors.series_get(slug=series)
        if found is None:
            raise Http404
        return found

    def title(self, obj: Series) -> str:
        return feed_text(f"{obj.label} {obj.title}".strip())

    def link(self, obj: Series) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Series) -> str:
        return feed_text(obj.title)

    def get_feed(self, obj: Series, request: HttpRequest) -> Any:
        """The feed in the series' language (Django reads `Feed.language` only as an
        attribute: a method there was written out as its own repr)."""
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj.language
        return feed

    def items(self, obj: Series) -> QuerySet[Bulletin]:
        return selectors.bulletin_list(series=obj)[:FEED_SIZE]

    def item_title(self, item: Bulletin) -> str:
        return feed_text(selectors.bulletin_document(bulletin=item)["subject"])

    def item_description(self, item: Bulletin) -> str:
        return document_html_fragment(
            document=selectors.bulletin_document(bulletin=item), medium="feed"
        )

    def item_link(self, item: Bulletin) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Bulletin) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Bulletin) -> dt.datetime | None:
        return item.corrected_at or item.published_at
