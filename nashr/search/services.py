"""Keeps the search index in step with publications."""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.db import transaction

from nashr.publications.models import Publication, Status
from nashr.search.backends import get_backend
from nashr.search.documents import entry_fields
from nashr.search.models import SearchEntry

REINDEX_BATCH = 1000
ENTRY_FIELDS = ["language", "kind", "date", "title", "body", "extra", "starts", "facets"]
# What `entry_fields` reads of a publication.
INDEXED = ("pk", "language", "kind_id", "date", "title", "summary", "body_html")


def search_index_publications(*, ids: Collection[int]) -> None:
    """Index the publications `ids` that are published; drop the others from the index.

    The search index's handler of the change feed (``nashr/derived/handlers.py``), run
    inside the transaction that changed them, so the index changes with the publications
    or not at all; an id of a publication deleted since has lost its entry by cascade.
    Published ones are written with an insert that replaces an existing entry, one
    statement per batch (the SQLite triggers and the PostgreSQL row trigger follow it like
    any other write); the others are deleted.
    """
    wanted = sorted(ids)
    for start in range(0, len(wanted), REINDEX_BATCH):
        chunk = wanted[start : start + REINDEX_BATCH]
        published = list(
            Publication.objects.filter(pk__in=chunk, status=Status.PUBLISHED).only(*INDEXED)
        )
        shown = {p.pk for p in published}
        if gone := [pk for pk in chunk if pk not in shown]:
            SearchEntry.objects.filter(publication_id__in=gone).delete()
        if published:
            SearchEntry.objects.bulk_create(
                [SearchEntry(publication_id=p.pk, **entry_fields(p)) for p in published],
                update_conflicts=True,
                unique_fields=["publication"],
                update_fields=ENTRY_FIELDS,
            )


@transaction.atomic
def search_reindex(*, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the published publications; returns how many.

    All or nothing: a failure leaves the index as it was. `progress` is told how many
    publications each finished batch held.
    """
    publications = (
        Publication.objects.published()
        .only("id", "language", "kind_id", "date", "title", "summary", "body_html", "status")
        .order_by("id")
    )
    count = 0
    with get_backend().bulk_load():
        SearchEntry.objects.all().delete()
        batch: list[SearchEntry] = []
        for publication in publications.iterator(chunk_size=REINDEX_BATCH):
            batch.append(SearchEntry(publication_id=publication.pk, **entry_fields(publication)))
            if len(batch) >= REINDEX_BATCH:
                count += _flush(batch, progress)
        count += _flush(batch, progress)
    return count


def _flush(batch: list[SearchEntry], progress: Callable[[int], None] | None) -> int:
    SearchEntry.objects.bulk_create(batch)
    done = len(batch)
    batch.clear()
    if progress is not None and done:
        progress(done)
    return done
