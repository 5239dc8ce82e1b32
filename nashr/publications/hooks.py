"""What else must follow when a publication changes: "a publication changed" hooks.

Publications knows nothing of the stores derived from it (the search index now; the
page cache and the static mirror later). An app that keeps one registers a hook from
its ``AppConfig.ready()``::

    on_publication_changed(search_index_update)

Every publication service that writes a publication (create, update, submit for review,
publish, unpublish, a status change) then calls each hook with the saved publication,
**inside the service's transaction**: what a hook writes is committed with the change
or not at all, and a hook that raises rolls the whole change back. A hook whose work
must wait until the change is committed (purging a CDN, writing files) schedules it
with ``transaction.on_commit`` and passes ids, not the object.

Deleting a publication calls no hook: rows that hang on it (a search entry) go with it
by the database's cascade.

A hook whose work is cheaper done for many publications at once (the search index: one
statement per batch) registers that form too, ``on_publication_changed(hook,
bulk=hooks_for_many)``. Inside ``publication_changes_batched()`` (an import of thousands)
such a hook is not called per write: the publications written are collected and handed
to its bulk form once, as they are when the block ends, still inside the caller's
transaction. Hooks without a bulk form are called per write as always.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from nashr.publications.models import Publication


class PublicationHook(Protocol):
    def __call__(self, *, publication: Publication) -> None: ...


class PublicationsHook(Protocol):
    def __call__(self, *, publications: Sequence[Publication]) -> None: ...


_hooks: list[PublicationHook] = []
_bulk_forms: dict[PublicationHook, PublicationsHook] = {}
# The publications written inside `publication_changes_batched`, by id (None: not batching).
_batch: ContextVar[dict[int, Publication] | None] = ContextVar("publication_batch", default=None)


def on_publication_changed(
    hook: PublicationHook, *, bulk: PublicationsHook | None = None
) -> PublicationHook:
    """Call `hook(publication=...)` after every write of a publication (once, if added twice).

    `bulk(publications=[...])`, if given, does the same for many publications at once;
    it is called instead of `hook` inside `publication_changes_batched`.
    """
    if hook not in _hooks:
        _hooks.append(hook)
    if bulk is not None:
        _bulk_forms[hook] = bulk
    return hook


def off_publication_changed(hook: PublicationHook) -> None:
    """Stop calling `hook` (a test's, or one an app turns off)."""
    if hook in _hooks:
        _hooks.remove(hook)
    _bulk_forms.pop(hook, None)


def publication_changed(*, publication: Publication) -> None:
    """Run every hook, in the order registered; the services call this inside their transaction."""
    batch = _batch.get()
    if batch is not None:
        # The latest object of a publication written twice: its state at the end counts.
        batch.pop(publication.pk, None)
        batch[publication.pk] = publication
    for hook in tuple(_hooks):
        if batch is None or hook not in _bulk_forms:
            hook(publication=publication)


@contextmanager
def publication_changes_batched() -> Iterator[None]:
    """Hooks with a bulk form called once, when the block ends, for every publication written.

    Use it inside the transaction of the writes (the bulk hooks then write with them,
    or not at all). A block that raises calls no bulk hook; a caller that catches a
    service's error inside the block must let the block fail too (as the importers
    do), since a publication rolled back to a savepoint is still in the batch. Nested,
    the outer block decides.
    """
    if _batch.get() is not None:
        yield
        return
    batch: dict[int, Publication] = {}
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    written = list(batch.values())
    if written:
        for hook in tuple(_hooks):
            bulk = _bulk_forms.get(hook)
            if bulk is not None:
                bulk(publications=written)
