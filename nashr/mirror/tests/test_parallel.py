"""A build shared by two processes writes what one process writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nashr.mirror.build import mirror_build
from nashr.mirror.tests.conftest import check_links, files_in
from nashr.mirror.writing import MANIFEST, STATE_DIR
from nashr.testing.pages import SiteContent

# The second process is forked: the test's data must be committed, not in a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_two_processes_write_the_same_mirror_as_one(
    mirror_content: SiteContent, tmp_path: Path
) -> None:
    """Every file, its hash and its group in the manifest are those of a one-process build."""
    alone, shared = tmp_path / "alone", tmp_path / "shared"
    one = mirror_build(outdir=alone, parallel_from=None)
    two = mirror_build(outdir=shared, parallel_from=1)
    assert files_in(shared) == files_in(alone)
    assert check_links(shared)[1] == []
    manifests = [
        json.loads((root / STATE_DIR / MANIFEST).read_text(encoding="utf-8"))["files"]
        for root in (alone, shared)
    ]
    assert manifests[0] == manifests[1]
    assert sorted(two.written) == sorted(one.written)
    assert two.problems == one.problems == []
    # The next build, in two processes, finds nothing to do.
    again = mirror_build(outdir=shared, parallel_from=1)
    assert (again.written, again.removed, again.full) == ([], [], False)
