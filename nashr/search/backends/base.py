"""The one interface every search backend offers."""

from __future__ import annotations

import datetime as dt
import itertools
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from nashr.search.query import ParsedQuery

# Ranking looks at no more than this many matches, the newest: see `Backend.search`.
CANDIDATES = 1000


@dataclass(frozen=True)
class Filters:
    language: str | None = None
    kind_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def whole_months(filters: Filters) -> bool:
    """Whether the days of the filters' date range (open ends: none) are whole months:
    then the index's month, year and decade terms find them without a look at each
    entry's date."""
    first, last = filters.date_from, filters.date_to
    return (first is None or first.day == 1) and (
        last is None or (last + dt.timedelta(days=1)).day == 1
    )


@dataclass(frozen=True)
class Hit:
    publication_id: int
    score: float  # higher is better; comparable within one backend only


@dataclass(frozen=True)
class EngineResult:
    hits: list[Hit]
    total: int  # matches ranked: all of them, or CANDIDATES when `capped`
    capped: bool


class Backend(Protocol):
    vendor: str

    def search(
        self,
        *,
        query: ParsedQuery,
        filters: Filters,
        limit: int,
        offset: int,
        candidates: int = CANDIDATES,
    ) -> EngineResult:
        """One page of matches of `query`, best first.

        Ranking functions read every match's statistics (bm25 even reads the whole
        posting list of each query term to weigh it), so ranking a common term would
        cost in proportion to how common it is. Instead both backends first take the
        newest `candidates` + 1 matches, walking the index from the highest publication
        id and stopping there, which costs about the same for any term:

        * at most `candidates` matches (the match set is small): all are ranked by the
          engine's relevance function (bm25 on SQLite, ts_rank_cd on PostgreSQL);
        * more (a common term): those with every word in the title come first, the
          newest `candidates` of them found over the whole index (a title query walks
          the same posting lists and stops as soon), then the newest other matches, up
          to `candidates` in all (see `title_first`). The trade-off: among body-only
          matches, an old but better one of a very common term is not among them; the
          page says so and suggests adding words or filters, which soon brings the
          match set under the bound and back to ranking by relevance.
        """
        ...

    def bulk_load(self) -> AbstractContextManager[None]:
        """Within this, entries may be replaced in bulk; the index is made whole on exit."""
        ...


def title_first(
    in_title: list[int], newest: list[int], *, offset: int, limit: int, candidates: int
) -> list[Hit]:
    """One page of a capped search's matches in the order shown: the title matches
    (newest first), then the newest other matches, `candidates` in all.

    `in_title` may stop at the end of the page shown: if it has fewer, it holds every
    title match, and the other matches of the page are exact; if not, the page is made
    of title matches alone."""
    titled = set(in_title)
    order = itertools.chain(
        ((pk, 1.0) for pk in in_title), ((pk, 0.0) for pk in newest if pk not in titled)
    )
    return [
        Hit(pk, score)
        for pk, score in itertools.islice(order, offset, min(offset + limit, candidates))
    ]
