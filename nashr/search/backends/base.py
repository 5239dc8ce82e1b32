"""The one interface every search backend offers."""

from __future__ import annotations

import datetime as dt
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

        Ranking reads every match's statistics, so a common term would make it read the
        whole match set. Instead both backends take the newest `CANDIDATES` matches
        (highest publication id, read in index order and stopped early) and rank only
        those: exact whenever there are fewer matches, and bounded in time when there
        are more, at the price that an old but better match of a very common term is
        not among the results; the page says so and suggests narrowing the search.
        """
        ...

    def bulk_load(self) -> AbstractContextManager[None]:
        """Within this, entries may be replaced in bulk; the index is made whole on exit."""
        ...
