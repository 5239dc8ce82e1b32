"""Images come in smaller variants, are referenced from Markdown and served by the site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, TestCase

from nashr.core.actors import COMMAND
from nashr.core.content import render_markdown
from nashr.media.services import media_delete, media_upload

from .conftest import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(media_root: Path):
    return media_upload(
        actor=COMMAND,
        name="rally.jpg",
        data=photo_bytes(width=2400, height=1600),
        title="Rally",
        language="fa",
        alt_text="جمعیت در میدان آزادی",
    )


def test_variants_exist_and_are_smaller_than_the_original(photo, media_root: Path) -> None:
    """WebP and JPEG at several widths, each smaller than the stored original."""
    original = (media_root / photo.file.name).stat().st_size
    webp = photo.web_variants("WEBP")
    jpeg = photo.web_variants("JPEG")
    assert [v["width"] for v in webp] == [480, 800, 1200, 1600]
    assert [v["width"] for v in jpeg] == [480, 800, 1200, 1600]
    for variant in [*webp, *jpeg]:
        size = (media_root / variant["name"]).stat().st_size
        assert size == variant["size"] < original
    assert photo.print_variant()["width"] == 2000


def test_markdown_reference_becomes_a_lazy_responsive_picture(photo) -> None:
    """`![](media:ID)` gives <picture> with srcset, sizes, width, height, alt and lazy loading."""
    html = render_markdown(f"متن\n\n![](media:{photo.pk})\n\n[PDF](media:999999)")
    assert '<source type="image/webp" srcset="/media/uploads/' in html
    img = re.search(r"<img [^>]+>", html)
    assert img is not None
    tag = img[0]
    for expected in (
        'loading="lazy"',
        'width="800"',
        'height="533"',
        'alt="جمعیت در میدان آزادی"',
        'lang="fa"',
        'dir="rtl"',
        "480w",
        "sizes=",
    ):
        assert expected in tag
    # A reference to a file that does not exist leaves its words, not a broken link.
    assert "<a" not in html.split("</picture>")[1] and "PDF" in html


def test_hostile_srcset_is_dropped() -> None:
    """A srcset naming another host cannot be written by hand either."""
    html = render_markdown('<img src="/a.jpg" srcset="https://evil.example/x.jpg 1w" alt="a">')
    assert "evil" not in html and 'src="/a.jpg"' in html


def test_files_are_served_by_the_site_and_gone_after_delete(photo, client: Client) -> None:
    """The file is served with its type, nosniff and a long cache; deleting removes it."""
    url = "/media/" + photo.web_variants("WEBP")[0]["name"]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    assert client.get("/media/../settings.py").status_code == 404

    with TestCase.captureOnCommitCallbacks(execute=True):
        media_delete(actor=COMMAND, media=photo)
    assert client.get(url).status_code == 404
