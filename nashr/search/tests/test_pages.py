"""Pages of a search agree with the whole list of its matches, however they were found.

Each engine looks for no more title matches than a page needs, and PostgreSQL looks for
the newest matches among the newest rows first (`postgresql.WINDOW`): the pages must
still be the slices of one ordering, the same as when everything is looked at at once.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from nashr.publications.models import Kind, Publication, Status
from nashr.search.backends import Filters, postgresql
from nashr.search.query import parse_query
from nashr.search.selectors import search
from nashr.search.services import search_reindex

CANDIDATES = 40  # few, so that the common words below are capped
QUERIES: list[tuple[str, dict[str, object]]] = [
    ("freedom", {}),  # common: capped, title matches first
    ("freedom -strike", {}),  # an excluded word
    ('"oil industry"', {}),  # a phrase
    ('"went on strike"', {}),  # a longer phrase: its pairs, then its order
    ('freedom -"oil industry"', {}),  # an excluded phrase
    ("freedom", {"language": "en"}),
    ("freedom", {"date_from": dt.date(2021, 1, 1), "date_to": dt.date(2021, 12, 31)}),
    ("freedom", {"date_from": dt.date(2020, 3, 15), "date_to": dt.date(2021, 6, 10)}),  # days
    ("freedom -strike", {"date_from": dt.date(2020, 6, 1)}),  # an open end
    ('"oil industry"', {"date_to": dt.date(2021, 8, 31)}),
    ("prisoners", {}),  # rare: ranked by relevance, not capped
]


def _publications(kind: Kind) -> None:
    now = timezone.now()
    rows = []
    for number in range(160):
        titled = number % 9 == 0
        body = "Workers of the oil industry went on strike. " if number % 2 else ""
        body += "They asked for freedom." if number % 3 else "Nothing else was said."
        if number % 37 == 0:
            body += " Political prisoners wrote a letter."
        title = f"Freedom, number {number}" if titled else f"Report number {number}"
        rows.append(
            Publication(
                kind=kind,
                language="en" if number % 4 else "fa",
                title=title,
                slug=f"report-{number}",
                body=body,
                body_html=f"<p>{body}</p>",
                date=dt.date(2020, 1, 1) + dt.timedelta(days=number * 7),
                status=Status.PUBLISHED,
                published_at=now,
                translation_key=uuid.uuid4(),
            )
        )
    Publication.objects.bulk_create(rows)


def _ids(text: str, filters: dict[str, object], *, page: int, page_size: int) -> list[int]:
    results = search(
        query=parse_query(text),
        filters=Filters(**filters),  # type: ignore[arg-type]  # names as keywords
        page=page,
        page_size=page_size,
        snippets=False,
        candidates=CANDIDATES,
    )
    return [hit.publication.pk for hit in results.hits]


def _paged(text: str, filters: dict[str, object]) -> list[int]:
    """Every page of 8, in turn (a page past the last one would repeat the last)."""
    whole = _ids(text, filters, page=1, page_size=CANDIDATES)
    ids: list[int] = []
    for page in range(1, -(-len(whole) // 8) + 1):
        ids += _ids(text, filters, page=page, page_size=8)
    return ids


@pytest.mark.django_db
def test_pages_are_slices_of_the_whole_list(kinds: dict[str, Kind]) -> None:
    _publications(kinds["statement"])
    search_reindex()
    for text, filters in QUERIES:
        whole = _ids(text, filters, page=1, page_size=CANDIDATES)
        assert whole, text
        assert _paged(text, filters) == whole, (text, filters)
    # Title matches first when capped, newest first among them.
    whole = _ids("freedom", {}, page=1, page_size=CANDIDATES)
    titles = [Publication.objects.get(pk=pk).title for pk in whole[:18]]
    assert all(title.startswith("Freedom") for title in titles), titles
    assert whole[:18] == sorted(whole[:18], reverse=True)


@pytest.mark.django_db
def test_postgresql_window_changes_nothing(
    kinds: dict[str, Kind], monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the window is PostgreSQL's; SQLite walks its FTS5 index")
    _publications(kinds["statement"])
    search_reindex()
    everything = {
        (text, str(filters)): _ids(text, filters, page=1, page_size=CANDIDATES)
        for text, filters in QUERIES
    }
    for window in (5, 30, 100):  # newest rows first, then the others
        monkeypatch.setattr(postgresql, "WINDOW", window)
        for text, filters in QUERIES:
            found = _ids(text, filters, page=1, page_size=CANDIDATES)
            assert found == everything[(text, str(filters))], (window, text, filters)
            assert _paged(text, filters) == found, (window, text, filters)


@pytest.mark.django_db(transaction=True)
def test_postgresql_search_leaves_the_callers_planner_settings(kinds: dict[str, Kind]) -> None:
    """The search turns index scans off for its own statements only: inside a caller's
    transaction, they are back on afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    _publications(kinds["statement"])
    search_reindex()
    with transaction.atomic(), connection.cursor() as cursor:
        assert _ids("freedom", {}, page=1, page_size=8)
        cursor.execute(
            "SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan')"
        )
        assert cursor.fetchone() == ("on", "on")
