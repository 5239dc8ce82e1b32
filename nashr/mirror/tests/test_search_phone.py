"""The mirror's search results on a phone's screen: nothing of them hangs past the column."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser, ViewportSize

from nashr.mirror.tests.conftest import BuildMirror
from nashr.mirror.tests.test_browser import _search
from nashr.publications.models import Publication

pytestmark = pytest.mark.django_db

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_results_stay_inside_the_column_on_a_phone(
    kinds: object,
    make_publication: Callable[..., Publication],
    build_mirror: BuildMirror,
    outdir: Path,
    chromium: Browser,
    language: str,
) -> None:
    """At 390 px, from file://, the margins beside the results hold only the page's
    background: no result number or other mark hangs at the screen's edge, and the page
    does not scroll sideways."""
    words = {"fa": "زندانیان", "en": "prisoners"}
    for number in range(3):
        make_publication(
            language=language,
            title=f"{words[language]} {number}",
            body=f"{words[language]} {number}.",
        )
    build_mirror()
    context = chromium.new_context(locale="fa-IR", viewport=PHONE)
    page = context.new_page()
    page.goto((outdir / language / "search" / "index.html").as_uri())
    assert len(_search(page, words[language], language)) == 3
    results = page.locator("#search-results")
    results.scroll_into_view_if_needed()
    box = results.bounding_box()
    assert box is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    context.close()
    top, bottom = round(box["y"]), round(box["y"] + box["height"])
    assert 0 <= top < bottom <= PHONE["height"], box
    background = shot.getpixel((1, top))
    for left, right in ((0, int(box["x"])), (int(box["x"] + box["width"]) + 1, PHONE["width"])):
        margin = shot.crop((left, top, right, bottom))
        plain = Image.new("RGB", margin.size, background)
        assert ImageChops.difference(margin, plain).getbbox() is None, (
            f"something is drawn in the margin x={left}..{right} beside the results"
        )
