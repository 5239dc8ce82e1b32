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
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from nashr.core.actors import Actor
    from nashr.publications.models import Publication


class PublicationHook(Protocol):
    def __call__(self, *, publication: Publication) -> None: ...


_hooks: list[PublicationHook] = []


def on_publication_changed(hook: PublicationHook) -> PublicationHook:
    """Call `hook(publication=...)` after every write of a publication (once, if added twice)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def off_publication_changed(hook: PublicationHook) -> None:
    """Stop calling `hook` (a test's, or one an app turns off)."""
    if hook in _hooks:
        _hooks.remove(hook)


def publication_changed(*, publication: Publication) -> None:
    """Run every hook, in the order registered; the services call this inside their transaction."""
    for hook in tuple(_hooks):
        hook(publication=publication)


class CommentImporter(Protocol):
    """Brings in one comment of another system; returns the comment and whether it is new."""

    def __call__(
        self,
        *,
        actor: Actor,
        publication: Publication,
        source: str,
        legacy_id: str,
        name: str,
        body: str,
        created_at: dt.datetime,
        status: str,
        email: str = "",
        parent: Any = None,
    ) -> tuple[Any, bool]: ...


_comment_importer: list[CommentImporter] = []


def set_comment_importer(importer: CommentImporter) -> None:
    """The comments app's import service, for the importers here (comments depend on us)."""
    _comment_importer[:] = [importer]


def comment_importer() -> CommentImporter | None:
    """The registered comment import, or None when no comments app is installed."""
    return _comment_importer[0] if _comment_importer else None
