"""PostgreSQL: a stored tsvector over the entries' terms with a GIN index, ranked by ts_rank_cd."""

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
        # The inner query takes the newest CANDIDATES matches (PostgreSQL may walk the
        # primary key backwards and stop); only those are ranked (see Backend.search).
        sql = f"""
            SELECT id, ts_rank_cd(vector, to_tsquery('simple', %s)) AS score,
                   count(*) OVER ()
            FROM (
                SELECT publication_id AS id, vector FROM search_searchentry
                WHERE vector @@ to_tsquery('simple', %s) {where}
                ORDER BY publication_id DESC
                LIMIT %s
            ) AS candidates
            ORDER BY score DESC, id DESC
            LIMIT %s OFFSET %s
        """  # noqa: S608 - only fixed SQL is interpolated; the query is a parameter
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [text, *params, candidates, limit, offset])
            rows = cursor.fetchall()
            total = rows[0][2] if rows else 0
            if not rows and offset:
                cursor.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM search_searchentry "  # noqa: S608
                    f"WHERE vector @@ to_tsquery('simple', %s) {where} LIMIT %s) AS m",
                    [*params, candidates],
                )
                total = cursor.fetchone()[0]
        return EngineResult(
            hits=[Hit(int(row[0]), float(row[1])) for row in rows],
            total=total,
            capped=total >= candidates,
        )

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Nothing to switch off; fresh statistics afterwards for the planner."""
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")
