"""The mirror rebuilt by the task worker after a change (NASHR_MIRROR_DIR)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import task

from nashr.core.changes import Changes
from nashr.mirror.build import mirror_build


@task()
def rebuild_mirror(changed: dict[str, list[int]] | None = None) -> dict[str, object]:
    """Bring the mirror in NASHR_MIRROR_DIR up to date; the build's summary.

    `changed` is what the change feed announced (topic → ids), kept with the task's
    result for whoever reads the queue: the build finds what to render again from its
    own fingerprints, which cover every change (publications, comments, bulletins,
    images, kinds, signatories).
    """
    summary = mirror_build(
        outdir=Path(settings.NASHR_MIRROR_DIR), base_url=settings.NASHR_MIRROR_BASE_URL
    )
    return {**summary.as_dict(), "changed": changed or {}}


def mirror_queue_rebuild(changes: Changes) -> None:
    """The change feed's handler, after the commit: queue one rebuild (when turned on)."""
    if settings.NASHR_MIRROR_DIR:
        rebuild_mirror.enqueue(changed={str(topic): sorted(ids) for topic, ids in changes.items()})
