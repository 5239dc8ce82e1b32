"""One change feed: services say what changed, and every derived copy follows.

Readers see content through copies of it: each publication's stored HTML, the search
index, the cached pages, the static mirror (and later the channels). A service that
changes content announces it, inside its transaction, and names nothing else::

    announce(Topic.MEDIA, [media.pk])

The handlers that bring each copy up to date are registered in one place, which a
newcomer reads top to bottom: ``nashr/derived/handlers.py``. They are of two stages.

* ``Stage.WITH_CHANGE``: copies kept in the database beside the content (the stored HTML
  of the publications that show a changed image, the search index) are written inside
  the announcing transaction, when it announces: committed with the change or not at
  all, and a handler that fails rolls the change back. Inside ``changes_batched()`` (an
  import of thousands) they are called once, when the block ends, with every id
  announced in it, still inside the caller's transaction.
* ``Stage.AFTER_COMMIT``: copies outside the database (the page cache's generation,
  the mirror's queue, the channels) are told once per transaction, after it commits,
  with every id announced in it. A rolled-back transaction tells them nothing; one
  rolled-back savepoint may leave its ids in the announcement (a copy refreshed for
  nothing costs less than a copy left stale). A failing handler is logged, and the
  others still run: the change itself is committed by then.

A handler is called with a `Changes` (what changed, by topic), only for the topics it
registered for, and finds for itself what the ids now stand for: an id may be of a row
deleted since (a deleted publication, image or comment).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import connection, transaction

logger = logging.getLogger(__name__)


class Topic(StrEnum):
    """What a service changed; the ids announced with it are of that thing."""

    PUBLICATIONS = "publications"  # publications written or deleted
    COMMENTS = "comments"  # comments of these *publications* added, changed or removed
    MEDIA = "media"  # images and attachments changed or deleted
    BULLETINS = "bulletins"  # bulletin issues published, corrected, withdrawn
    SERIES = "series"  # bulletin series
    KINDS = "kinds"  # kinds of publication (every page's navigation lists them)
    SIGNATORIES = "signatories"  # bodies that sign publications
    OLD_ADDRESSES = "old-addresses"  # addresses of an earlier site that now redirect


class Stage(StrEnum):
    WITH_CHANGE = "with the change"
    AFTER_COMMIT = "after the commit"


class Changes(Mapping[Topic, frozenset[int]]):
    """What changed: the ids announced under each topic (no topic: nothing)."""

    def __init__(self, ids: Mapping[Topic, Iterable[int]]) -> None:
        self._ids = {topic: frozenset(values) for topic, values in ids.items() if values}

    def __getitem__(self, topic: Topic) -> frozenset[int]:
        return self._ids.get(topic, frozenset())

    def __iter__(self) -> Iterator[Topic]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        inner = ", ".join(f"{topic}: {sorted(ids)}" for topic, ids in self._ids.items())
        return f"Changes({inner})"

    def only(self, topics: frozenset[Topic]) -> Changes:
        return Changes({topic: ids for topic, ids in self._ids.items() if topic in topics})


Handler = Callable[[Changes], None]


@dataclass(frozen=True)
class Registration:
    name: str
    stage: Stage
    topics: frozenset[Topic]
    handler: Handler


_handlers: list[Registration] = []


def handle(name: str, *, stage: Stage, topics: Iterable[Topic], handler: Handler) -> Registration:
    """Call `handler` with what changed under `topics`, at `stage` (once per `name`)."""
    registration = Registration(name, stage, frozenset(topics), handler)
    _handlers[:] = [r for r in _handlers if r.name != name]
    _handlers.append(registration)
    return registration


def forget(name: str) -> None:
    """Stop calling the handler registered as `name` (a test's)."""
    _handlers[:] = [r for r in _handlers if r.name != name]


def registered() -> list[Registration]:
    """The handlers, in the order they are called."""
    return list(_handlers)


def _run(stage: Stage, changes: Changes) -> None:
    for registration in tuple(_handlers):
        if registration.stage != stage:
            continue
        mine = changes.only(registration.topics)
        if not mine:
            continue
        if stage == Stage.WITH_CHANGE:
            registration.handler(mine)
            continue
        try:
            registration.handler(mine)
        except Exception:
            logger.exception("%s failed after the commit of %r", registration.name, mine)


@dataclass
class _Collected:
    """Ids announced, by topic."""

    ids: dict[Topic, set[int]] = field(default_factory=dict)

    def add(self, topic: Topic, ids: Iterable[int]) -> None:
        self.ids.setdefault(topic, set()).update(ids)

    def changes(self) -> Changes:
        return Changes(self.ids)


class _Announcement(_Collected):
    """What the after-commit handlers are told of one transaction: every id announced in it."""

    def __init__(self) -> None:
        super().__init__()
        self.done = False

    def tell(self) -> None:
        if not self.done:
            self.done = True
            _run(Stage.AFTER_COMMIT, self.changes())


class _OnCommit:
    """A call made inside a transaction, registered with ``on_commit``: the first of a
    transaction's to run tells its announcement, the others find it told.

    Registered for the outermost transaction, not for the savepoint the call is made in
    (so every one of them runs, or none): a savepoint rolled back leaves its ids in the
    announcement, which tells a copy to refresh for nothing; one that took them away
    could leave a copy stale.
    """

    def __init__(self, announcement: _Announcement) -> None:
        self.announcement = announcement

    def __call__(self) -> None:
        self.announcement.tell()


# The ids announced inside `changes_batched` (None: not batching).
_batch: ContextVar[_Collected | None] = ContextVar("changes_batch", default=None)


def announce(topic: Topic, ids: Iterable[int]) -> None:
    """Announce that the things `ids` under `topic` changed; call it inside the transaction."""
    ids = {int(pk) for pk in ids if pk is not None}
    if not ids:
        return
    batch = _batch.get()
    if batch is not None:
        batch.add(topic, ids)
    else:
        _run(Stage.WITH_CHANGE, Changes({topic: ids}))
    _tell_after_commit(topic, ids)


def _tell_after_commit(topic: Topic, ids: set[int]) -> None:
    """Add the ids to the announcement of this transaction (outside one: tell them now)."""
    if not connection.in_atomic_block:
        now = _Announcement()
        now.add(topic, ids)
        now.tell()
        return
    announcement = None
    # Each entry is (savepoint ids, function, robust), as Django keeps them.
    hooks: list[Any] = connection.run_on_commit
    for _savepoints, function, _robust in hooks:
        if isinstance(function, _OnCommit) and not function.announcement.done:
            announcement = function.announcement
            break
    if announcement is None:
        announcement = _Announcement()
    announcement.add(topic, ids)
    transaction.on_commit(_OnCommit(announcement))
    # Held by the outermost transaction: no savepoint's rollback takes it away.
    _savepoints, function, robust = hooks[-1]
    hooks[-1] = (set(), function, robust)


@contextmanager
def changes_batched() -> Iterator[None]:
    """With-the-change handlers called once, when the block ends, for every id announced.

    Use it inside the transaction of the writes (an import): the handlers then write
    with them, or not at all. A block that raises calls no handler; a caller that
    catches a service's error inside the block must let the block fail too, since the
    ids of a write rolled back to a savepoint are still in the batch. Nested, the outer
    block decides.
    """
    if _batch.get() is not None:
        yield
        return
    batch = _Collected()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    if batch.ids:
        _run(Stage.WITH_CHANGE, batch.changes())
