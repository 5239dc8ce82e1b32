"""With NASHR_MIRROR_DIR set, a change of a publication rebuilds the mirror in the background."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks.signals import task_enqueued

from nashr.core.actors import COMMAND
from nashr.core.changes import changes_batched
from nashr.mirror.tasks import rebuild_mirror
from nashr.publications import services
from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db


def queued_rebuilds(callbacks: list[Callable[[], None]]) -> int:
    """How many mirror rebuilds the callbacks queued (run them first, as on commit)."""
    queued: list[Any] = []

    def count(sender: Any, task_result: Any, **kwargs: Any) -> None:
        if task_result.task.name == rebuild_mirror.name:
            queued.append(task_result)

    task_enqueued.connect(count)
    try:
        for callback in callbacks:
            callback()
    finally:
        task_enqueued.disconnect(count)
    return len(queued)


def test_publishing_rebuilds_the_mirror(
    mirror_content: SiteContent,
    outdir: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Once the change is committed, the task writes the new title into the mirror."""
    with (
        override_settings(NASHR_MIRROR_DIR=str(outdir)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.publication_update(
            actor=COMMAND, publication=mirror_content["article_fa"], title="عنوان پس از انتشار"
        )
    home = (outdir / "fa/index.html").read_text(encoding="utf-8")
    assert "عنوان پس از انتشار" in home


def test_no_rebuild_when_turned_off(mirror_content: SiteContent, outdir: Path) -> None:
    """Without NASHR_MIRROR_DIR, a change writes no mirror."""
    services.publication_update(
        actor=COMMAND, publication=mirror_content["article_fa"], title="عنوان دیگر"
    )
    assert not outdir.exists()


def test_a_batch_of_changes_queues_one_rebuild(
    mirror_content: SiteContent,
    outdir: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """An import of thousands (`changes_batched`) queues one rebuild, not one
    per publication; the rebuild shows every change."""
    titles = ["نخستین عنوان تازه", "دومین عنوان تازه"]
    with override_settings(NASHR_MIRROR_DIR=str(outdir)):
        with (
            django_capture_on_commit_callbacks() as callbacks,
            transaction.atomic(),
            changes_batched(),
        ):
            for key, title in zip(("article_fa", "statement_fa"), titles, strict=True):
                services.publication_update(
                    actor=COMMAND, publication=mirror_content[key], title=title
                )
        assert queued_rebuilds(callbacks) == 1
    home = (outdir / "fa/index.html").read_text(encoding="utf-8")
    assert all(title in home for title in titles)
