"""Keeps the search index in step with publications."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

from nashr.publications.models import Publication, Status
from nashr.search.backends import get_backend
from nashr.search.documents import entry_fields
from nashr.search.models import SearchEntry

REINDEX_BATCH = 1000
ENTRY_FIELDS = ["language", "kind", "date", "title", "body", "extra", "facets"]


def search_index_update(*, publication: Publication) -> None:
    """Index a publication if published, drop it from the index otherwise.

    A "publication changed" hook (registered in ``SearchConfig.ready``): every
    publication service calls it inside its transaction, so the index changes with the
    publication or not at all. Deleting a publication deletes its entry by
    cascade; the database's own triggers (SQLite) or generated column (PostgreSQL)
    follow the entry.
    """
    if publication.status != Status.PUBLISHED:
        SearchEntry.objects.filter(publication_id=publication.pk).delete()
        return
    SearchEntry.objects.update_or_create(
        publication_id=publication.pk, defaults=entry_fields(publication)
    )


def search_index_many(*, publications: Sequence[Publication]) -> None:
    """`search_index_update` for many publications: one statement per batch of them.

    The bulk form of the hook (``publication_changes_batched``, used by the importers):
    the entries are the same as those written one by one. Published ones are written
    with an insert that replaces an existing entry (the SQLite triggers and the
    PostgreSQL row trigger follow it like any other write); the others are deleted.
    """
    gone = [p.pk for p in publications if p.status != Status.PUBLISHED]
    for start in range(0, len(gone), REINDEX_BATCH):
        SearchEntry.objects.filter(publication_id__in=gone[start : start + REINDEX_BATCH]).delete()
    published = [p for p in publications if p.status == Status.PUBLISHED]
    for start in range(0, len(published), REINDEX_BATCH):
        SearchEntry.objects.bulk_create(
            [
                SearchEntry(publication_id=p.pk, **entry_fields(p))
                for p in published[start : start + REINDEX_BATCH]
            ],
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
