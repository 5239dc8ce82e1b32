"""SQLite: an FTS5 table over the search entries, ranked by bm25 within bounds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from nashr.search.backends.base import (
    CANDIDATES,
    EngineResult,
    Filters,
    Hit,
    title_first,
    whole_months,
)
from nashr.search.documents import date_range_terms, facet_terms
from nashr.search.query import Clause, ParsedQuery

# bm25 weights of the columns title, body, extra, facets.
WEIGHTS = (10.0, 1.0, 0.3, 0.0)
TEXT_COLUMNS = "{title body extra}"


def _string(term: str) -> str:
    # Terms are letters and digits only (see normalize); doubling quotes keeps it so.
    return '"' + term.replace('"', '""') + '"'


def _clause(clause: Clause) -> str:
    """A word or phrase as an FTS5 string: its terms must stand together, in order."""
    return _string(" ".join(clause.terms))


def match_expression(query: ParsedQuery, filters: Filters, *, columns: str = TEXT_COLUMNS) -> str:
    """The MATCH expression of a parsed query, built only from its terms: the clauses of
    its one reading, or of any of its alternatives (see ``nashr.search.query``)."""
    readings = [" AND ".join(_clause(c) for c in clauses) for clauses in query.alternatives]
    if len(readings) == 1:
        expression = f"{columns} : ({readings[0]})"
    else:
        expression = f"{columns} : ({' OR '.join(f'({reading})' for reading in readings)})"
    facets = facet_terms(language=filters.language, kind_id=filters.kind_id).split()
    if facets:
        expression += " AND facets : (" + " AND ".join(map(_string, facets)) + ")"
    if filters.date_from or filters.date_to:
        months = date_range_terms(filters.date_from, filters.date_to) or ["none"]
        expression += " AND facets : (" + " OR ".join(map(_string, months)) + ")"
    if query.exclude:
        excluded = " OR ".join(_clause(c) for c in query.exclude)
        expression = f"({expression}) NOT {TEXT_COLUMNS} : ({excluded})"
    return expression


class SqliteBackend:
    vendor = "sqlite"

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def search(
        self,
        *,
        query: ParsedQuery,
        filters: Filters,
        limit: int,
        offset: int,
        candidates: int = CANDIDATES,
    ) -> EngineResult:
        """See `Backend.search`: bm25 over a small match set, else title matches first.

        bm25 is not used on a large match set because it reads the whole posting list
        of every term and phrase of the query to weigh them (a common phrase costs tens
        of milliseconds); the newest candidates are found by walking the index from the
        highest rowid and stopping, which costs the same for any term.
        """
        # The exact days of a date range: FTS5 narrowed the search to whole months, which
        # are the range itself when it starts on a month's first day and ends on a last.
        join = where = ""
        days: list[Any] = []
        if not whole_months(filters):
            join = "JOIN search_searchentry ON search_searchentry.publication_id = search_fts.rowid"
            if filters.date_from:
                where += " AND search_searchentry.date >= %s"
                days.append(filters.date_from.isoformat())
            if filters.date_to:
                where += " AND search_searchentry.date <= %s"
                days.append(filters.date_to.isoformat())
        match = match_expression(query, filters)
        select = f"FROM search_fts {join} WHERE search_fts MATCH %s {where}"
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT search_fts.rowid {select} ORDER BY search_fts.rowid DESC LIMIT %s",
                [match, *days, candidates + 1],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) <= candidates:  # the whole match set is small: rank all of it
                weights = ", ".join(str(weight) for weight in WEIGHTS)
                cursor.execute(
                    f"SELECT search_fts.rowid, bm25(search_fts, {weights}) {select} "
                    "ORDER BY 2, 1 DESC LIMIT %s OFFSET %s",
                    [match, *days, limit, offset],
                )
                hits = [Hit(int(row[0]), -float(row[1])) for row in cursor.fetchall()]
                return EngineResult(hits=hits, total=len(ids), capped=False)
            # Many matches: those with every word in the title first, the newest of them
            # from the whole index (an old title match is not lost behind newer mentions
            # in long bodies), then the newest other matches. The page needs no more title
            # matches than its own end: if there are fewer, these are all of them.
            title_match = match_expression(query, filters, columns="{title}")
            cursor.execute(
                f"SELECT search_fts.rowid {select} ORDER BY search_fts.rowid DESC LIMIT %s",
                [title_match, *days, min(offset + limit, candidates)],
            )
            in_title = [row[0] for row in cursor.fetchall()]
        hits = title_first(in_title, ids, offset=offset, limit=limit, candidates=candidates)
        return EngineResult(hits=hits, total=candidates, capped=True)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Triggers off while entries are replaced, then the FTS index rebuilt once."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'search_searchentry'"
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        yield
        with self.connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
