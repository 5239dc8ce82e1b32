"""PostgreSQL: a stored tsvector of the entries' terms with a GIN index, ranked by ts_rank_cd."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from nashr.search.backends.base import CANDIDATES, EngineResult, Filters, Hit
from nashr.search.query import Clause, ParsedQuery


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
        params: list[Any] = [text]
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
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT publication_id FROM search_searchentry "  # noqa: S608 - fixed SQL
                f"WHERE vector @@ to_tsquery('simple', %s) {where} "
                "ORDER BY publication_id DESC LIMIT %s",
                [*params, candidates + 1],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) <= candidates:  # the whole match set is small: rank all of it
                cursor.execute(
                    "SELECT publication_id, ts_rank_cd(vector, to_tsquery('simple', %s)) "
                    "FROM search_searchentry WHERE publication_id = ANY(%s) "
                    "ORDER BY 2 DESC, 1 DESC LIMIT %s OFFSET %s",
                    [text, ids, limit, offset],
                )
                hits = [Hit(int(row[0]), float(row[1])) for row in cursor.fetchall()]
                return EngineResult(hits=hits, total=len(ids), capped=False)
            # Many matches: the newest `candidates`, those with every word in the title
            # first (the short title is parsed again rather than the long vector read).
            ids = ids[:candidates]
            cursor.execute(
                "SELECT publication_id FROM search_searchentry WHERE publication_id = ANY(%s) "
                "AND to_tsvector('simple', title) @@ to_tsquery('simple', %s)",
                [ids, tsquery(ParsedQuery(text=query.text, include=query.include))],
            )
            in_title = {row[0] for row in cursor.fetchall()}
        ordered = [(i, 1.0) for i in ids if i in in_title] + [
            (i, 0.0) for i in ids if i not in in_title
        ]
        hits = [Hit(int(i), score) for i, score in ordered[offset : offset + limit]]
        return EngineResult(hits=hits, total=candidates, capped=True)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Nothing to switch off; fresh statistics afterwards for the planner."""
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")
