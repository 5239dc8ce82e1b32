"""The page cache keys a page on the query parameters pages read, and on no other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from nashr.core.pagecache import CACHE_STATUS_HEADER, PAGE_KEY_PREFIX
from nashr.publications.models import Kind, Publication
from nashr.publications.views import PAGE_SIZE


@pytest.fixture(autouse=True)
def page_cache_on(settings: Any) -> None:
    settings.NASHR_PAGE_CACHE = True
    cache.clear()


def _stored_pages() -> int:
    """How many pages the (local memory) cache holds."""
    return sum(PAGE_KEY_PREFIX in key for key in cache._cache)  # type: ignore[attr-defined]  # LocMemCache


def test_junk_parameters_neither_render_nor_store_another_page(
    make_publication: Callable[..., Publication], kinds: dict[str, Kind]
) -> None:
    """20 requests with different junk parameters render the list once and store one page."""
    for number in range(PAGE_SIZE + 1):
        make_publication(
            title=f"بیانیه شماره {number}", date=dt.date(2023, 1, 1) + dt.timedelta(days=number)
        )
    address = f"/fa/{kinds['statement'].slug}/"
    reader = Client()
    answers = [
        reader.get(address, query_params={"utm_source": f"telegram-{n}", "page": "x" * n})
        for n in range(20)
    ]
    assert [answer.headers[CACHE_STATUS_HEADER] for answer in answers] == ["miss"] + ["hit"] * 19
    assert _stored_pages() == 1
    assert all(b"utm_source" not in answer.content for answer in answers)
    assert "بیانیه شماره 0" not in answers[0].content.decode()

    second = reader.get(address, query_params={"page": "2", "utm_medium": "x"})
    assert second.headers[CACHE_STATUS_HEADER] == "miss"
    assert "بیانیه شماره 0" in second.content.decode()
    assert "بیانیه شماره 20" not in second.content.decode()
    assert reader.get(address, query_params={"page": "2"}).headers[CACHE_STATUS_HEADER] == "hit"
    assert _stored_pages() == 2


def test_old_address_parameters_are_left_to_their_middleware(
    make_publication: Callable[..., Publication],
) -> None:
    """A WordPress ?p= request is neither answered from the cache nor stored in it."""
    make_publication()
    reader = Client()
    assert reader.get("/fa/").headers[CACHE_STATUS_HEADER] == "miss"
    answer = reader.get("/fa/", query_params={"p": "7"})
    assert CACHE_STATUS_HEADER not in answer.headers
    assert _stored_pages() == 1
