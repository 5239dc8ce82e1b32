"""Helpers for the search tests: search as a reader would, and check the FTS5 index."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from nashr.search.backends import Filters
from nashr.search.query import parse_query
from nashr.search.selectors import search


def found_ids(text: str, **filters: object) -> list[int]:
    """Ids of the publications a search for `text` finds, best first; read as the
    language filter's language reads it, as the search page does."""
    language = filters.get("language")
    query = parse_query(text, languages=[str(language)] if language else None)
    results = search(query=query, filters=Filters(**filters))  # type: ignore[arg-type]  # tests pass filter names as keywords
    return [hit.publication.pk for hit in results.hits]


def assert_index_consistent() -> None:
    """On SQLite, FTS5 agrees with its content table (PostgreSQL has nothing to drift)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")


@pytest.fixture
def found() -> Callable[..., list[int]]:
    return found_ids
