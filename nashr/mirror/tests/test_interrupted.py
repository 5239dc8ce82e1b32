"""A build killed half-way leaves OUTDIR consistent, and the next build completes it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connections

from nashr.core.actors import COMMAND
from nashr.mirror.build import IN_PROGRESS, STATE_DIR, mirror_build
from nashr.mirror.tests.conftest import check_links, files_in
from nashr.publications import services
from nashr.publications.models import Publication
from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db


def _build_in_child(outdir: Path) -> int:
    """Fork a process that builds the mirror (it reads its copy of the test database)."""
    pid = os.fork()
    if pid == 0:  # the child
        try:
            mirror_build(outdir=outdir, full=True)
        finally:
            os._exit(0)
    return pid


def test_sigkill_leaves_no_half_file_and_next_build_completes(
    mirror_content: SiteContent,
    make_publication: Callable[..., Publication],
    tmp_path: Path,
    outdir: Path,
) -> None:
    """SIGKILL during a build: each file is old or new, never cut; the next build finishes."""
    for number in range(40):
        make_publication(title=f"بیانیه شماره {number}", body="متن " * 400)
    mirror_build(outdir=outdir)
    before = files_in(outdir)
    services.publication_update(
        actor=COMMAND, publication=mirror_content["article_fa"], title="عنوان دیگر"
    )
    services.publication_unpublish(actor=COMMAND, publication=mirror_content["statement_fa"])
    reference = tmp_path / "reference"
    mirror_build(outdir=reference)
    expected = files_in(reference)

    for connection in connections.all():
        connection.close_if_unusable_or_obsolete()
    pid = _build_in_child(outdir)
    marker = outdir / STATE_DIR / IN_PROGRESS
    deadline = time.monotonic() + 600  # a loaded machine is slow, and a test must not guess
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert marker.exists(), "the build never started"
    # Kill it once it has replaced some files, in the middle of its work.
    started = marker.stat().st_mtime_ns
    while time.monotonic() < deadline and not [
        path for path in outdir.rglob("*.html") if path.stat().st_mtime_ns > started
    ]:
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status), "the build finished before it could be killed"

    for rel, data in files_in(outdir).items():
        assert data in {before.get(rel), expected.get(rel)}, f"{rel} is neither old nor new"
    summary = mirror_build(outdir=outdir)
    assert summary.full is True
    assert files_in(outdir) == expected
    assert check_links(outdir)[1] == []
    assert not list((outdir / STATE_DIR / "tmp").iterdir())
