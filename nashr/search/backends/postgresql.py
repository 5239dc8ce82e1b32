"""PostgreSQL: a narrow table of tsvectors and filter columns with GIN indexes, ranked by
ts_rank_cd within bounds (see migrations/0003_postgresql_narrow_table.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from nashr.search.backends.base import (
    CANDIDATES,
    EngineResult,
    Filters,
    Hit,
    title_first,
    whole_months,
)
from nashr.search.documents import date_range_terms
from nashr.search.query import Clause, ParsedQuery

# The vectors of every entry, as the row trigger makes them (migrations 0003, 0004), into
# a new table that takes the place of the old one (see `bulk_load`).
REBUILD = """INSERT INTO search_vector_new
    SELECT publication_id, language, kind_id, date,
        search_vector_of(title, body, extra, date),
        to_tsvector('simple'::regconfig, title),
        search_pairs(title, body, extra)
    FROM search_searchentry"""
# The table's keys and indexes, as the migrations make them, by name.
INDEXES = {
    "search_vector_pkey": "ALTER TABLE search_vector_new ADD CONSTRAINT {name} "
    "PRIMARY KEY (publication_id)",
    "search_vector_gin": "CREATE INDEX {name} ON search_vector_new USING gin (vector)",
    "search_vector_title_gin": "CREATE INDEX {name} ON search_vector_new USING gin (title_vector)",
    "search_vector_phrase_gin": "CREATE INDEX {name} ON search_vector_new "
    "USING gin (phrase_vector)",
    "search_vector_date": "CREATE INDEX {name} ON search_vector_new (date)",
}


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
    """The newest matches of a condition, looked for in spans of ids from the newest down:
    first the newest WINDOW ids, then a span as long as the matches found so far say
    should hold the rest (twice that, for safety), then all older ids.

    The database reads every row of a span that meets the condition, so a span much
    longer than needed costs a row read (a page, mostly) for each surplus match, and a
    common word's matches among the 92,000 older rows of a 100,000 cost 40 ms where a
    few hundred ids would do."""

    def __init__(self, cursor: Any, *, top: int, where: str, params: list[Any]) -> None:
        self.cursor = cursor
        self.top = top
        self.where = where
        self.params = params

    def newest(
        self,
        condition: str,
        condition_params: list[Any],
        count: int,
        *,
        column: str = "NULL",
        column_params: list[Any] | None = None,
        below: int | None = None,
    ) -> list[tuple[int, Any]]:
        """Ids of the newest `count` rows meeting `condition` (below id `below` if given),
        newest first, each with the value of `column` in its row."""
        sql = (
            f"SELECT publication_id, {column} FROM search_vector "  # noqa: S608 - fixed SQL
            f"WHERE {condition} {self.where} AND publication_id > %s AND publication_id <= %s "
            "ORDER BY publication_id DESC LIMIT %s"
        )
        params = [*(column_params or []), *condition_params, *self.params]
        high = self.top if below is None else below - 1
        low = high - WINDOW
        rows: list[tuple[int, Any]] = []
        while high > 0:
            self.cursor.execute(sql, [*params, max(low, 0), high, count - len(rows)])
            rows += [(row[0], row[1]) for row in self.cursor.fetchall()]
            if len(rows) >= count or low <= 0:
                break
            if rows:  # as many ids again as held the matches found, twice over
                span = (self.top if below is None else below - 1) - low
                low, high = low - 2 * span * (count - len(rows)) // len(rows) - 100, low
            else:
                low, high = 0, low
        return rows


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


def _pair(first: str, second: str) -> str:
    return _lexeme(f"{first} {second}")


def pairs_tsquery(query: ParsedQuery) -> str | None:
    """A tsquery of the two-word lexemes of `phrase_vector` (migration 0004) that every
    match of `query` holds, or None when a reading has no phrase (nothing to narrow by)."""
    readings = []
    for clauses in query.alternatives:
        pairs = [_pair(*pair) for clause in clauses for pair in itertools.pairwise(clause.terms)]
        if not pairs:
            return None
        readings.append(" & ".join(dict.fromkeys(pairs)))
    if not readings:
        return None
    if len(readings) == 1:
        return readings[0]
    return " | ".join(f"({reading})" for reading in readings)


def match_tsqueries(query: ParsedQuery) -> tuple[str | None, str | None]:
    """The tsqueries a match of `query` meets: one of `phrase_vector`'s two-word lexemes,
    one of the whole text's vector (either may be None: no condition).

    A two-word phrase is one lexeme of `phrase_vector` (a text holds the pair exactly
    where the two words stand together in one of its parts), so the text's vector need
    not be read for it; a longer phrase is narrowed by its pairs, and its order checked in
    the text's vector. A query read in several ways (stemmers) keeps every clause in the
    text's tsquery and is only narrowed by the pairs."""
    if len(query.alternatives) != 1:
        return pairs_tsquery(query), tsquery(query)
    pairs: list[str] = []
    vector: list[str] = []
    for clause in query.alternatives[0]:
        pairs += [_pair(*pair) for pair in itertools.pairwise(clause.terms)]
        if len(clause.terms) != 2:
            vector.append(_clause(clause))
    for clause in query.exclude:
        if len(clause.terms) == 2 and pairs:
            pairs.append("!" + _pair(*clause.terms))
        else:
            vector.append("!" + _clause(clause))
    # Both None only for a query that looks for nothing, which is never searched.
    return " & ".join(dict.fromkeys(pairs)) or None, " & ".join(vector) or None


def date_tsquery(filters: Filters) -> str | None:
    """The months of a date range as a tsquery of the vector's date lexemes (migration
    0004): the fewest decades, years and months that cover them, as on SQLite."""
    if not (filters.date_from or filters.date_to):
        return None
    terms = date_range_terms(filters.date_from, filters.date_to) or ["none"]  # none: nothing
    return " | ".join(_lexeme(":" + term) for term in terms)


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
        enough of them for a common word, then among the others. A phrase is narrowed by
        its two-word lexemes first (`phrase_vector`), so the order of its words is only
        checked in rows that hold its pairs. ts_rank_cd reads each match's whole vector,
        so it is only run on at most `candidates` rows, found by id.
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
        # The months of a date range are in the vector's query (see date_tsquery); the
        # days, when the range does not start and end with a month, are checked on rows.
        if filters.date_from and not whole_months(filters):
            where += " AND date >= %s"
            params.append(filters.date_from)
        if filters.date_to and not whole_months(filters):
            where += " AND date <= %s"
            params.append(filters.date_to)
        conditions = []
        match_params: list[Any] = []
        pairs, words = match_tsqueries(query)
        if pairs is not None:
            conditions.append("phrase_vector @@ %s::tsquery")
            match_params.append(pairs)
        # The words, and the months of a date range, in one tsquery: GIN skips through a
        # common word's rows to those of the months.
        vector_query = []
        if words is not None:
            vector_query.append("to_tsquery('simple', %s)")
            match_params.append(words)
        months = date_tsquery(filters)
        if months is not None:
            vector_query.append("%s::tsquery")
            match_params.append(months)
        if vector_query:
            conditions.append(f"vector @@ ({' && '.join(vector_query)})")
        matches = " AND ".join(conditions)
        # Whether a match holds every word in its title (exclusions aside: it is a match).
        title_query = tsquery(ParsedQuery(text=query.text, alternatives=query.alternatives))
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
            rows = window.newest(
                matches,
                match_params,
                candidates + 1,
                column="title_vector @@ to_tsquery('simple', %s)",
                column_params=[title_query],
            )
            ids = [pk for pk, _titled in rows]
            if len(ids) <= candidates:  # the whole match set is small: rank all of it
                cursor.execute(
                    "SELECT publication_id, ts_rank_cd(vector, to_tsquery('simple', %s)) "
                    "FROM search_vector WHERE publication_id = ANY(%s) "
                    "ORDER BY 2 DESC, 1 DESC LIMIT %s OFFSET %s",
                    [text, ids, limit, offset],
                )
                hits = [Hit(int(row[0]), float(row[1])) for row in cursor.fetchall()]
                return EngineResult(hits=hits, total=len(ids), capped=False)
            # Many matches: those with every word in the title first, the newest of them
            # over the whole index, then the newest other matches. The page needs no more
            # title matches than its own end: if there are fewer, these are all of them
            # (see `title_first`). The newest matches' titles were looked at with them;
            # only if they hold too few title matches are older ones looked for, through
            # the title's own small vector and GIN index (and, when a word is excluded,
            # the whole text's too).
            wanted = min(offset + limit, candidates)
            in_title = [pk for pk, titled in rows[:candidates] if titled][:wanted]
            if len(in_title) < wanted:
                title_match = "title_vector @@ to_tsquery('simple', %s)"
                title_params: list[Any] = [title_query]
                if query.exclude:
                    title_match += " AND " + matches
                    title_params += match_params
                elif months is not None:
                    title_match += " AND vector @@ %s::tsquery"
                    title_params.append(months)
                older = window.newest(
                    title_match, title_params, wanted - len(in_title), below=ids[candidates - 1]
                )
                in_title += [pk for pk, _value in older]
        hits = title_first(in_title, ids, offset=offset, limit=limit, candidates=candidates)
        return EngineResult(hits=hits, total=candidates, capped=True)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """The row trigger idle while entries are replaced (a setting of this transaction
        only, so nothing of the session outlives it), then the vectors made anew in a new
        table, its indexes built over the whole of it (GIN's own bulk build: a third of
        the time of adding 100,000 rows to the indexes one by one), and the new table put
        in the old one's place; searches read the old one until the transaction commits."""
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL nashr.search_bulk = 'on'")
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL nashr.search_bulk = 'off'")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("CREATE TABLE search_vector_new (LIKE search_vector INCLUDING DEFAULTS)")
            cursor.execute(REBUILD)
            for name, statement in INDEXES.items():
                cursor.execute(statement.format(name=f"{name}_new"))
            cursor.execute("DROP TABLE search_vector")
            cursor.execute("ALTER TABLE search_vector_new RENAME TO search_vector")
            for name in INDEXES:
                cursor.execute(f"ALTER INDEX {name}_new RENAME TO {name}")
            cursor.execute("ANALYZE search_vector")
