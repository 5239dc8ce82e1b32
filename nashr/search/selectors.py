"""Searching: a parsed query and filters in, one page of ranked publications out."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from nashr.publications.models import Publication
from nashr.search import highlight
from nashr.search.backends import CANDIDATES, EngineResult, Filters, get_backend
from nashr.search.documents import publication_text
from nashr.search.models import SearchEntry
from nashr.search.normalize import stemmer_of
from nashr.search.query import ParsedQuery

PAGE_SIZE = 20


# What a result shows of its publication (with `summary` and `body_html` for snippets);
# `SearchHit.publication` has only these loaded.
RESULT_FIELDS = ("language", "title", "slug", "date", "status", "kind")


@dataclass(frozen=True)
class SearchHit:
    publication: Publication
    score: float
    title_html: SafeString
    snippet_html: SafeString


@dataclass(frozen=True)
class SearchResults:
    query: ParsedQuery
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.page_size + 1


def search(
    *,
    query: ParsedQuery,
    filters: Filters | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    snippets: bool = True,
    candidates: int = CANDIDATES,
) -> SearchResults:
    """Published publications matching `query`, best first, with marked title and snippet.

    Only the newest `candidates` matches are ranked (see `Backend.search`). A page past
    the last one gives the last page. A query that cannot be run (see
    `ParsedQuery.ok`) gives no results.
    """
    if not query.ok:
        return SearchResults(query=query, page_size=page_size)
    filters = filters or Filters()
    backend = get_backend()
    page = max(1, min(page, -(-candidates // page_size)))

    def page_of(number: int) -> EngineResult:
        return backend.search(
            query=query,
            filters=filters,
            limit=page_size,
            offset=(number - 1) * page_size,
            candidates=candidates,
        )

    result = page_of(page)
    if not result.hits and result.total:
        # Past the last page (the matches shrank since the link was made): show the last.
        page = -(-result.total // page_size)
        result = page_of(page)
    # By primary key alone: a status filter here can lead SQLite's planner to scan the
    # status index; whether each one is still published is checked below.
    # Only what a result shows (the page, `nashr search`): a whole publication, its kind
    # and signatory, took longer to load than the search itself.
    shown = [*RESULT_FIELDS, *(("summary", "body_html") if snippets else ())]
    publications = Publication.objects.select_related("kind").only(*shown)
    by_id = publications.in_bulk([hit.publication_id for hit in result.hits])
    terms = query.highlight_terms
    # Where each snippet starts reading, from the search entries' terms and word starts.
    entries = (
        {
            pk: highlight.match_start(body, extra, starts, terms)
            for pk, body, extra, starts in SearchEntry.objects.filter(
                publication_id__in=by_id
            ).values_list("publication_id", "body", "extra", "starts")
        }
        if snippets
        else {}
    )
    hits = []
    for hit in result.hits:
        publication = by_id.get(hit.publication_id)
        if publication is None or not publication.is_published:  # changed meanwhile
            continue
        stemmer = stemmer_of(publication.language)
        hits.append(
            SearchHit(
                publication=publication,
                score=hit.score,
                title_html=highlight.highlight(publication.title, terms, stemmer=stemmer),
                snippet_html=(
                    highlight.snippet(
                        publication_text(publication),
                        terms,
                        stemmer=stemmer,
                        start=entries.get(publication.pk),
                    )
                    if snippets
                    else SafeString("")
                ),
            )
        )
    return SearchResults(
        query=query,
        hits=hits,
        total=result.total,
        capped=result.capped,
        page=page,
        page_size=page_size,
    )
