"""SQLite: an FTS5 table over the search entries, ranked by bm25."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from nashr.search.backends.base import CANDIDATES, EngineResult, Filters, Hit
from nashr.search.documents import facet_terms
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


def match_expression(query: ParsedQuery, filters: Filters) -> str:
    """The MATCH expression of a parsed query, built only from its terms."""
    expression = f"{TEXT_COLUMNS} : ({' AND '.join(_clause(c) for c in query.include)})"
    facets = facet_terms(language=filters.language, kind_id=filters.kind_id)
    if facets:
        expression += " AND facets : (" + " AND ".join(map(_string, facets.split())) + ")"
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
        params: list[Any] = [match_expression(query, filters)]
        join = where = ""
        if filters.date_from or filters.date_to:
            join = "JOIN search_searchentry ON search_searchentry.publication_id = search_fts.rowid"
            if filters.date_from:
                where += " AND search_searchentry.date >= %s"
                params.append(filters.date_from.isoformat())
            if filters.date_to:
                where += " AND search_searchentry.date <= %s"
                params.append(filters.date_to.isoformat())
        weights = ", ".join(str(weight) for weight in WEIGHTS)
        # The inner query walks the index from the newest match and stops after
        # CANDIDATES; only those are scored (see Backend.search).
        sql = f"""
            SELECT id, score, count(*) OVER () FROM (
                SELECT search_fts.rowid AS id, bm25(search_fts, {weights}) AS score
                FROM search_fts {join}
                WHERE search_fts MATCH %s {where}
                ORDER BY search_fts.rowid DESC
                LIMIT %s
            )
            ORDER BY score, id DESC
            LIMIT %s OFFSET %s
        """  # noqa: S608 - only fixed SQL is interpolated; the query is a parameter
        params += [candidates, limit, offset]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            total = rows[0][2] if rows else 0
            if not rows and offset:
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM search_fts {join} "  # noqa: S608
                    f"WHERE search_fts MATCH %s {where} LIMIT %s)",
                    [*params[:-3], candidates],
                )
                total = cursor.fetchone()[0]
        return EngineResult(
            hits=[Hit(int(row[0]), -float(row[1])) for row in rows],
            total=total,
            capped=total >= candidates,
        )

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
