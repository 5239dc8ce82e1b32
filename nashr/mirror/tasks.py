"""The mirror rebuilt by the task worker after a publication changes (NASHR_MIRROR_DIR)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_tasks import task

from nashr.mirror.build import mirror_build
from nashr.publications.models import Publication


@task()
def rebuild_mirror() -> dict[str, object]:
    """Bring the mirror in NASHR_MIRROR_DIR up to date; the build's summary."""
    summary = mirror_build(
        outdir=Path(settings.NASHR_MIRROR_DIR), base_url=settings.NASHR_MIRROR_BASE_URL
    )
    return summary.as_dict()


def rebuild_after_change(*, publication: Publication) -> None:
    """The publication hook: once the change is committed, queue a rebuild (when turned on)."""
    if settings.NASHR_MIRROR_DIR:
        transaction.on_commit(rebuild_mirror.enqueue)


def rebuild_after_changes(*, publications: Sequence[Publication]) -> None:
    """The hook's form for many publications (an import of thousands): one rebuild."""
    if settings.NASHR_MIRROR_DIR and publications:
        transaction.on_commit(rebuild_mirror.enqueue)
