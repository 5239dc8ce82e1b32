""" "A publication changed" hooks run on every write, inside the service's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from nashr.core.actors import COMMAND
from nashr.publications import hooks, services
from nashr.publications.models import Publication, Status

MakePublication = Callable[..., Publication]


class Refused(Exception):
    pass


@pytest.fixture
def seen() -> Iterator[list[tuple[int, str]]]:
    """Each publication a hook was called with: (id, status), as the hook saw it."""
    calls: list[tuple[int, str]] = []

    def record(*, publication: Publication) -> None:
        calls.append((publication.pk, publication.status))

    hooks.on_publication_changed(record)
    try:
        yield calls
    finally:
        hooks.off_publication_changed(record)


def test_every_write_calls_the_hooks(
    make_publication: MakePublication, seen: list[tuple[int, str]]
) -> None:
    """Creating, editing, submitting, publishing and unpublishing each call the hook once."""
    draft = make_publication(status=Status.DRAFT)
    services.publication_update(actor=COMMAND, publication=draft, body="متن تازه")
    services.publication_submit_for_review(actor=COMMAND, publication=draft)
    services.publication_publish(actor=COMMAND, publication=draft)
    services.publication_unpublish(actor=COMMAND, publication=draft)
    assert seen == [
        (draft.pk, Status.DRAFT),
        (draft.pk, Status.DRAFT),
        (draft.pk, Status.REVIEW),
        (draft.pk, Status.PUBLISHED),
        (draft.pk, Status.DRAFT),
    ]


def test_a_failing_hook_rolls_the_change_back(make_publication: MakePublication) -> None:
    """A hook that raises undoes the service's write: hooks run inside its transaction."""
    draft = make_publication(status=Status.DRAFT)

    def refuse(*, publication: Publication) -> None:
        raise Refused

    hooks.on_publication_changed(refuse)
    try:
        with pytest.raises(Refused):
            services.publication_publish(actor=COMMAND, publication=draft)
    finally:
        hooks.off_publication_changed(refuse)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.published_at is None
