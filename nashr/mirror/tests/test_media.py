"""Images uploaded to the site (nashr.media) are copied into the mirror, every variant."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from nashr.core.actors import COMMAND
from nashr.media.services import media_upload
from nashr.media.tests.conftest import photo_bytes
from nashr.mirror.tests.conftest import BuildMirror, check_links
from nashr.publications.models import Publication

pytestmark = pytest.mark.django_db


def test_pictures_of_a_publication_are_in_the_mirror(
    make_publication: Callable[..., Publication],
    build_mirror: BuildMirror,
    outdir: Path,
    tmp_path: Path,
    settings: pytest.FixtureRequest,
) -> None:
    """src and every srcset candidate point to a file of the mirror, none to the site."""
    settings.MEDIA_ROOT = str(tmp_path / "media")  # type: ignore[attr-defined]
    photo = media_upload(
        actor=COMMAND, name="rally.jpg", data=photo_bytes(width=1700, height=1000),
        title="Rally", language="fa", alt_text="جمعیت",
    )  # fmt: skip
    publication = make_publication(body=f"متن\n\n![](media:{photo.pk})")
    summary = build_mirror()
    assert summary.problems == []
    page = next((outdir / f"fa/p/{publication.pk}").glob("*/index.html")).read_text()
    # No address of an upload on the site: each is relative (../../media/…).
    assert not re.findall(r"(?<![.\w])/media/", page)
    assert "../media/uploads/" in page
    assert len(list((outdir / "media").rglob("*.webp"))) >= 3
    assert check_links(outdir)[1] == []
