"""The change feed: what services announce reaches each handler at its stage, once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction

from nashr.core.actors import COMMAND
from nashr.core.changes import (
    Changes,
    Stage,
    Topic,
    announce,
    changes_batched,
    forget,
    handle,
    registered,
)
from nashr.publications import services
from nashr.publications.models import Publication, Status

MakePublication = Callable[..., Publication]


class Refused(Exception):
    pass


@pytest.fixture
def told() -> Iterator[dict[Stage, list[Changes]]]:
    """What a handler of each stage, listening to every topic, was told, call by call."""
    calls: dict[Stage, list[Changes]] = {Stage.WITH_CHANGE: [], Stage.AFTER_COMMIT: []}
    for stage in Stage:
        handle(f"test {stage}", stage=stage, topics=Topic, handler=calls[stage].append)
    try:
        yield calls
    finally:
        for stage in Stage:
            forget(f"test {stage}")


def test_every_publication_write_is_announced_with_the_change(
    make_publication: MakePublication, told: dict[Stage, list[Changes]]
) -> None:
    """Creating, editing, submitting, publishing, unpublishing and deleting each announce the
    publication once, while the handler still sees the state the write left."""
    statuses: list[str] = []
    handle(
        "test status",
        stage=Stage.WITH_CHANGE,
        topics=[Topic.PUBLICATIONS],
        handler=lambda changes: statuses.extend(
            Publication.objects.filter(pk__in=changes[Topic.PUBLICATIONS]).values_list(
                "status", flat=True
            )
        ),
    )
    try:
        draft = make_publication(status=Status.DRAFT)
        pk = draft.pk
        services.publication_update(actor=COMMAND, publication=draft, body="متن تازه")
        services.publication_submit_for_review(actor=COMMAND, publication=draft)
        services.publication_publish(actor=COMMAND, publication=draft)
        services.publication_unpublish(actor=COMMAND, publication=draft)
        services.publication_delete(actor=COMMAND, publication=draft)
    finally:
        forget("test status")
    assert [dict(c) for c in told[Stage.WITH_CHANGE]] == [{Topic.PUBLICATIONS: {pk}}] * 6
    assert statuses == [Status.DRAFT, Status.DRAFT, Status.REVIEW, Status.PUBLISHED, Status.DRAFT]


def test_a_failing_handler_rolls_the_change_back(make_publication: MakePublication) -> None:
    """A with-the-change handler that raises undoes the service's write."""
    draft = make_publication(status=Status.DRAFT)

    def refuse(changes: Changes) -> None:
        raise Refused

    handle("test refuse", stage=Stage.WITH_CHANGE, topics=[Topic.PUBLICATIONS], handler=refuse)
    try:
        with pytest.raises(Refused):
            services.publication_publish(actor=COMMAND, publication=draft)
    finally:
        forget("test refuse")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.published_at is None


def test_after_the_commit_once_per_transaction(
    make_publication: MakePublication,
    told: dict[Stage, list[Changes]],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """The after-commit handlers are told nothing before the commit, then once, of every
    topic announced in the transaction (savepoints included), and never again."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        first = make_publication()
        second = make_publication(title="بیانیه دوم")
        services.kind_update(
            actor=COMMAND, kind=first.kind, names={**first.kind.names, "en": "Statements"}
        )
        assert told[Stage.AFTER_COMMIT] == []
    for callback in callbacks:
        callback()
    assert [dict(c) for c in told[Stage.AFTER_COMMIT]] == [
        {Topic.PUBLICATIONS: {first.pk, second.pk}, Topic.KINDS: {first.kind_id}}
    ]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_tells_nothing(
    make_publication: MakePublication, told: dict[Stage, list[Changes]]
) -> None:
    """Nothing is told after a transaction that did not commit; a committed one is told."""
    with pytest.raises(Refused), transaction.atomic():
        make_publication()
        raise Refused
    assert told[Stage.AFTER_COMMIT] == []
    with transaction.atomic():
        kept = make_publication()
    assert [dict(c) for c in told[Stage.AFTER_COMMIT]] == [{Topic.PUBLICATIONS: {kept.pk}}]


def test_outside_a_transaction_after_commit_is_at_once(told: dict[Stage, list[Changes]]) -> None:
    """An announcement made in autocommit is told to the after-commit handlers at once."""
    announce(Topic.SERIES, [7])
    assert [dict(c) for c in told[Stage.AFTER_COMMIT]] == [{Topic.SERIES: {7}}]


def test_batched_changes_are_handled_once_at_the_end(
    make_publication: MakePublication, told: dict[Stage, list[Changes]]
) -> None:
    """Inside `changes_batched` the with-the-change handlers get every id once, when the
    block ends; after it, each write is handled at once again."""
    with transaction.atomic(), changes_batched():
        first = make_publication(status=Status.DRAFT)
        second = make_publication(status=Status.DRAFT)
        services.publication_publish(actor=COMMAND, publication=first)
        assert told[Stage.WITH_CHANGE] == []
    assert [dict(c) for c in told[Stage.WITH_CHANGE]] == [
        {Topic.PUBLICATIONS: {first.pk, second.pk}}
    ]
    services.publication_unpublish(actor=COMMAND, publication=first)
    assert len(told[Stage.WITH_CHANGE]) == 2


def test_a_failing_batch_handles_nothing(
    make_publication: MakePublication, told: dict[Stage, list[Changes]]
) -> None:
    """A batch that raises calls no handler (its writes are rolled back)."""
    with pytest.raises(Refused), transaction.atomic(), changes_batched():
        make_publication(status=Status.DRAFT)
        raise Refused
    assert told[Stage.WITH_CHANGE] == [] and not Publication.objects.exists()


def test_the_handlers_are_registered_in_one_place() -> None:
    """The site's handlers, in order: stored HTML, search index, page cache, mirror,
    fediverse, the Telegram queue and its sending."""
    names = [r.name for r in registered() if not r.name.startswith("test ")]
    assert names == [
        "stored HTML of publications showing changed uploads",
        "search index",
        "page cache",
        "static mirror",
        "fediverse",
        "Telegram queue",
        "Telegram channels",
    ]
