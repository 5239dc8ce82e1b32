""" "A publication changed" hooks run on every write, inside the service's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest
from django.db import transaction

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


def test_batched_writes_call_the_bulk_form_once(make_publication: MakePublication) -> None:
    """Inside a batch, a hook with a bulk form gets every written publication once, at the end,
    as it is then; a hook without one is still called per write."""
    single: list[int] = []
    bulk: list[list[tuple[int, str]]] = []
    plain: list[int] = []

    def one(*, publication: Publication) -> None:
        single.append(publication.pk)

    def many(*, publications: Sequence[Publication]) -> None:
        bulk.append([(p.pk, p.status) for p in publications])

    def other(*, publication: Publication) -> None:
        plain.append(publication.pk)

    hooks.on_publication_changed(one, bulk=many)
    hooks.on_publication_changed(other)
    try:
        with transaction.atomic(), hooks.publication_changes_batched():
            first = make_publication(status=Status.DRAFT)
            second = make_publication(status=Status.DRAFT)
            services.publication_publish(actor=COMMAND, publication=first)
            assert bulk == []
        services.publication_unpublish(actor=COMMAND, publication=first)
    finally:
        hooks.off_publication_changed(one)
        hooks.off_publication_changed(other)
    assert [sorted(call) for call in bulk] == [
        [(first.pk, Status.PUBLISHED), (second.pk, Status.DRAFT)]
    ]
    assert single == [first.pk]  # the write after the batch
    assert plain == [first.pk, second.pk, first.pk, first.pk]


def test_a_failing_batch_calls_no_bulk_form(make_publication: MakePublication) -> None:
    """A batch that raises hands nothing to the bulk form (its writes are rolled back)."""
    bulk: list[int] = []

    def one(*, publication: Publication) -> None:
        pass

    def many(*, publications: Sequence[Publication]) -> None:
        bulk.extend(p.pk for p in publications)

    hooks.on_publication_changed(one, bulk=many)
    try:
        with pytest.raises(Refused), transaction.atomic(), hooks.publication_changes_batched():
            make_publication(status=Status.DRAFT)
            raise Refused
    finally:
        hooks.off_publication_changed(one)
    assert bulk == [] and not Publication.objects.exists()
