"""In the mirror, an issue's page links its PDF, at the file the build writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nashr.bulletins import services
from nashr.core.actors import COMMAND
from nashr.mirror.build import mirror_build
from nashr.mirror.tests.conftest import check_links

pytestmark = pytest.mark.django_db


def test_mirror_issue_page_links_its_pdf(tmp_path: Path) -> None:
    """The issue's mirrored page links `bulletin.pdf` beside it, a PDF reached from the home."""
    series, _created = services.series_create_or_update(
        actor=COMMAND, slug="khabarnameh", title="خبرنامه", language="fa"
    )
    draft = services.bulletin_draft(
        actor=COMMAND, series=series, year=1402, month=8, editorial_body="ماهی از بازداشت‌ها."
    )
    bulletin = services.bulletin_publish(actor=COMMAND, bulletin=draft)
    outdir = tmp_path / "mirror"
    mirror_build(outdir=outdir)

    page = outdir / bulletin.get_absolute_url().strip("/") / "index.html"
    links = re.findall(r'<a href="([^"]+)" type="application/pdf">', page.read_text())
    assert links == ["bulletin.pdf"]
    pdf = page.parent / "bulletin.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    reached, problems = check_links(outdir)
    assert problems == []
    assert pdf.relative_to(outdir).as_posix() in reached
