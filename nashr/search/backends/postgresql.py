"""PostgreSQL: a narrow table of tsvectors and filter columns with GIN indexes, ranked by
ts_rank_cd within bounds (see migrations/0003_postgresql_narrow_table.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
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


# The newest rows in which matches are looked for first (see `PostgresqlBackend.search`).
WINDOW = 8000


@contextmanager
def _transaction_settings(connection: BaseDatabaseWrapper) -> Iterator[Any]:
    """A cursor in a transaction of its own, where `set_config(…, true)` may change planner
    settings: they end with the transaction (nothing of the session outlives it, as
    PgBouncer needs). Inside a caller's transaction they would last until the caller
    commits, so they are put back as they were at the end (a failure rolls the savepoint
    back, and them with it)."""
    nested = connection.in_atomic_block
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if nested:
            cursor.execute(
                "SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan')"
            )
            previous = cursor.fetchone()
        yield cursor
        if nested:
            cursor.execute(
                "SELECT set_config('enable_indexscan', %s, true), "
                "set_config('enable_seqscan', %s, true)",
                list(previous),
            )


class _Window:
    """The newest matches of a condition: among the newest WINDOW rows, then the rest."""

    def __init__(self, cursor: Any, *, top: int, where: str, params: list[Any]) -> None:
        self.cursor = cursor
        self.edge = top - WINDOW
        self.where = where
        self.params = params

    def newest(self, condition: str, condition_params: list[Any], count: int) -> list[int]:
        sql = (
            "SELECT publication_id FROM search_vector "  # noqa: S608 - fixed SQL
            f"WHERE {condition} {self.where} AND publication_id {{side}} %s "
            "ORDER BY publication_id DESC LIMIT %s"
        )
        params = [*condition_params, *self.params, self.edge]
        self.cursor.execute(sql.format(side=">"), [*params, count])
        ids = [row[0] for row in self.cursor.fetchall()]
        if len(ids) < count:
            self.cursor.execute(sql.format(side="<="), [*params, count - len(ids)])
            ids += [row[0] for row in self.cursor.fetchall()]
        return ids


def _lexeme(term: str) -> str:
    # Terms are letters and digits only (see normalize); escaping keeps it safe anyway.
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _clause(clause: Clause) -> str:
    if len(clause.terms) == 1:
        return _lexeme(clause.terms[0])
    return "(" + " <-> ".join(_lexeme(term) for term in clause.terms) + ")"


def tsquery(query: ParsedQuery) -> str:
    """The tsquery text of a parsed query, built only from its terms: the clauses of its
    one reading, or of any of its alternatives (see ``nashr.search.query``)."""
    readings = [[_clause(clause) for clause in clauses] for clauses in query.alternatives]
    if len(readings) == 1:
        parts = readings[0]
    else:
        parts = ["(" + " | ".join(f"({' & '.join(reading)})" for reading in readings) + ")"]
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

        Every match set is found through the GIN indexes (bitmaps), never by walking the
        table from the newest row and testing each row's vector: the planner cannot tell
        a phrase or an exclusion that matches a hundred rows from a word that matches
        thirty thousand, and chose that walk for both (300 ms for a rare phrase: every
        row's vector read from TOAST). The newest matches are looked for first among the
        newest `WINDOW` rows (a bitmap of the ids ANDed with the words'), which holds
        enough of them for a common word, then among the others. ts_rank_cd reads each
        match's whole vector, so it is only run on at most `candidates` rows, found by id.
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
        matches = "vector @@ to_tsquery('simple', %s)"
        with _transaction_settings(self.connection) as cursor:
            # Bitmaps only, for this transaction's later statements; the newest id is
            # read from the primary key's index all the same (planned before the setting).
            cursor.execute(
                "SELECT set_config('enable_indexscan', 'off', true), "
                "set_config('enable_seqscan', 'off', true), max(publication_id) "
                "FROM search_vector"
            )
            top = cursor.fetchone()[2]
            if top is None:
                return EngineResult(hits=[], total=0, capped=False)
            window = _Window(cursor, top=top, where=where, params=params)
            ids = window.newest(matches, [text], candidates + 1)
            if len(ids) <= candidates:  # the whole match set is small: rank all of it
                cursor.execute(
                    "SELECT publication_id, ts_rank_cd(vector, to_tsquery('simple', %s)) "
                    "FROM search_vector WHERE publication_id = ANY(%s) "
                    "ORDER BY 2 DESC, 1 DESC LIMIT %s OFFSET %s",
                    [text, ids, limit, offset],
                )
                hits = [Hit(int(row[0]), float(row[1])) for row in cursor.fetchall()]
                return EngineResult(hits=hits, total=len(ids), capped=False)
            # Many matches: those with every word in the title first, the newest of
            # them over the whole index (the title's own small vector and GIN index),
            # then the newest other matches. The page needs no more title matches than
            # its own end: if there are fewer, these are all of them (see `title_first`).
            # A title holding every word is a match unless a word is excluded: only then
            # is the whole text (a large vector, read from TOAST) looked at too.
            title_match = "title_vector @@ to_tsquery('simple', %s)"
            title_params: list[Any] = [
                tsquery(ParsedQuery(text=query.text, alternatives=query.alternatives))
            ]
            if query.exclude:
                title_match += " AND " + matches
                title_params.append(text)
            in_title = window.newest(title_match, title_params, min(offset + limit, candidates))
        hits = title_first(in_title, ids, offset=offset, limit=limit, candidates=candidates)
        return EngineResult(hits=hits, total=candidates, capped=True)

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
