"""PostgreSQL: a narrow table of tsvectors and filter columns with GIN indexes, ranked by
ts_rank_cd within bounds (see migrations/0003_postgresql_narrow_table.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from nashr.search.backends.base import CANDIDATES, EngineResult, Filters, Hit, title_first
from nashr.search.query import Clause, ParsedQuery

# The vectors of every entry, as the row trigger makes them (migration 0003).
REBUILD = """INSERT INTO search_vector
    SELECT publication_id, language, kind_id, date,
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'B')
        || setweight(to_tsvector('simple'::regconfig, extra), 'D'),
        to_tsvector('simple'::regconfig, title)
    FROM search_searchentry"""


def _lexeme(term: str) -> str:
    # Terms are letters and digits only (see normalize); escaping keeps it safe anyway.
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _clause(clause: Clause) -> str:
    if len(clause.terms) == 1:
        return _lexeme(clause.terms[0])
    return "(" + " <-> ".join(_lexeme(term) for term in clause.terms) + ")"


def tsquery(query: ParsedQuery) -> str:
    """The tsquery text of a parsed query, built only from its terms."""
    parts = [_clause(clause) for clause in query.include]
    parts += ["!" + _clause(clause) for clause in query.exclude]
    return " & ".join(parts)


class PostgresqlBackend:
    vendor = "postgresql"

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
        """See `Backend.search`: ts_rank_cd over a small match set, else title matches first.

        ts_rank_cd reads each match's whole tsvector, so it is only run on at most
        `candidates` rows, found by id.
        """
        text = tsquery(query)
        where = ""
        params: list[Any] = []
        if filters.language:
            where += " AND language = %s"
            params.append(filters.language)
        if filters.kind_id is not None:
            where += " AND kind_id = %s"
            params.append(filters.kind_id)
        if filters.date_from:
            where += " AND date >= %s"
            params.append(filters.date_from)
        if filters.date_to:
            where += " AND date <= %s"
            params.append(filters.date_to)
        newest = (
            "SELECT publication_id FROM search_vector "  # noqa: S608 - fixed SQL
            f"WHERE {{condition}} {where} ORDER BY publication_id DESC LIMIT %s"
        )
        matches = "vector @@ to_tsquery('simple', %s)"
        with self.connection.cursor() as cursor:
            cursor.execute(newest.format(condition=matches), [text, *params, candidates + 1])
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) <= candidates:  # the whole match set is small: rank all of it
                cursor.execute(
                    "SELECT publication_id, ts_rank_cd(vector, to_tsquery('simple', %s)) "
                    "FROM search_vector WHERE publication_id = ANY(%s) "
                    "ORDER BY 2 DESC, 1 DESC LIMIT %s OFFSET %s",
                    [text, ids, limit, offset],
                )
                hits = [Hit(int(row[0]), float(row[1])) for row in cursor.fetchall()]
                return EngineResult(hits=hits, total=len(ids), capped=False)
            # Many matches: those with every word in the title first, the newest
            # `candidates` of them over the whole index (the title's own small vector and
            # GIN index), then the newest other matches.
            # (Excluded words are looked for in the whole text.)
            title_match = "title_vector @@ to_tsquery('simple', %s) AND " + matches
            words = tsquery(ParsedQuery(text=query.text, include=query.include))
            cursor.execute(newest.format(condition=title_match), [words, text, *params, candidates])
            in_title = [row[0] for row in cursor.fetchall()]
        hits = title_first(in_title, ids[:candidates], candidates)
        return EngineResult(hits=hits[offset : offset + limit], total=candidates, capped=True)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """The row trigger idle while entries are replaced (a setting of this transaction
        only, so nothing of the session outlives it), then the vectors rebuilt in one
        statement, and fresh statistics for the planner."""
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL nashr.search_bulk = 'on'")
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL nashr.search_bulk = 'off'")
            cursor.execute("DELETE FROM search_vector")
            cursor.execute(REBUILD)
            cursor.execute("ANALYZE search_vector")
