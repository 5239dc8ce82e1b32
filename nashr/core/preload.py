"""Reads loaded once for a rendering of many pages: the selectors' per-rendering cache.

A public page reads through selectors, a few queries each: nothing for a reader's
request, but minutes when the static mirror renders tens of thousands of pages in one
process. An app whose selectors every page calls with its own arguments (a publication
by id, its comment thread) offers a *preload*, a class that reads the answers for many
pages at once (``publications.selectors.PublicationPreload``,
``comments.selectors.CommentPreload``, ``subscribers.selectors.SubscribeFormPreload``).
A caller that renders many pages makes them and renders inside ``preloaded(...)``;
meanwhile those selectors answer from the preload where it holds the answer and query
where it does not. Outside (every reader's request) no preload is active and the
selectors query as always: a page is the same either way.

A preload is a snapshot: it serves one rendering during which the content does not
change (the mirror's build), never a server's requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_ACTIVE: ContextVar[tuple[object, ...]] = ContextVar("nashr_preloads", default=())


@contextmanager
def preloaded(*preloads: object) -> Iterator[None]:
    """Selectors answer from `preloads` (each an app's preload) until the block ends."""
    token = _ACTIVE.set(_ACTIVE.get() + preloads)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active_preload(kind: type[T]) -> T | None:
    """The preload of class `kind` made active by ``preloaded``, or None (a reader's request)."""
    for preload in reversed(_ACTIVE.get()):
        if isinstance(preload, kind):
            return preload
    return None
