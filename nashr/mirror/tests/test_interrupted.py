"""A build killed half-way leaves OUTDIR consistent, and the next build completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from nashr.core.actors import COMMAND
from nashr.mirror.build import mirror_build
from nashr.mirror.tests.conftest import check_links, files_in
from nashr.mirror.writing import IN_PROGRESS, STATE_DIR
from nashr.publications import services
from nashr.publications.models import Publication
from nashr.testing.pages import SiteContent

# The killed build runs in a process of its own, on a copy of the test database.
pytestmark = pytest.mark.django_db(transaction=True)

NASHR = str(Path(sys.executable).with_name("nashr"))


def _start_build(outdir: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    """`nashr mirror build --full` in another process, on a file copy of the test database."""
    database = tmp_path / "mirror.sqlite3"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(database)])
        url = f"sqlite:///{database}"
    else:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "NASHR_SITE_URL": settings.NASHR_SITE_URL,
    }
    command = [NASHR, "mirror", "build", str(outdir), "--full"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


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

    process = _start_build(outdir, tmp_path)
    marker = outdir / STATE_DIR / IN_PROGRESS
    deadline = time.monotonic() + 600  # a loaded machine is slow, and a test must not guess
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    assert marker.exists(), process.stderr.read().decode() if process.stderr else "not started"
    # Kill it once it has replaced some files, in the middle of its work.
    started = marker.stat().st_mtime_ns
    while time.monotonic() < deadline and not [
        path for path in outdir.rglob("*.html") if path.stat().st_mtime_ns > started
    ]:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the build finished before it could be killed"

    for rel, data in files_in(outdir).items():
        assert data in {before.get(rel), expected.get(rel)}, f"{rel} is neither old nor new"
    summary = mirror_build(outdir=outdir)
    assert summary.full is True
    assert files_in(outdir) == expected
    assert check_links(outdir)[1] == []
    assert not list((outdir / STATE_DIR / "tmp").iterdir())
