"""The mirror's sitemap is the site's, rendered from kept entries after an edit."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client

from nashr.core.actors import COMMAND
from nashr.mirror.sitemap_cache import STATE_FILE
from nashr.mirror.tests.conftest import BuildMirror
from nashr.mirror.writing import STATE_DIR
from nashr.publications import services
from nashr.testing.pages import SiteContent


def test_sitemap_from_kept_entries_is_the_views(
    client: Client, site_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """After a full build and after an edit (its entries taken from the last build where
    unchanged), sitemap.xml is byte for byte what the site's sitemap view serves."""
    build_mirror()
    assert (outdir / "sitemap.xml").read_bytes() == client.get("/sitemap.xml").content
    kept = json.loads((outdir / STATE_DIR / STATE_FILE).read_text(encoding="utf-8"))["entries"]
    statement = site_content["statement_fa"]
    services.publication_update(actor=COMMAND, publication=statement, title="عنوان تازه")
    summary = build_mirror()
    assert "sitemap.xml" in summary.written
    served = client.get("/sitemap.xml").content
    assert (outdir / "sitemap.xml").read_bytes() == served
    now = json.loads((outdir / STATE_DIR / STATE_FILE).read_text(encoding="utf-8"))["entries"]
    # One entry per address: the edited publication's entry is new, the others kept.
    assert len(now) == served.count(b"<url>") == len(kept)
    assert 0 < len(set(now) - set(kept)) < len(now)
