"""Pages of the mirror are valid HTML and pass axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Browser

from nashr.mirror.tests.conftest import BuildMirror
from nashr.testing.pages import SiteContent
from nashr.testing.plugin import check_html, describe_axe, describe_vnu, run_axe

pytestmark = pytest.mark.django_db


def _sample(outdir: Path, content: SiteContent) -> dict[str, Path]:
    statement = next((outdir / "fa/p").glob(f"{content['statement_fa'].pk}/*/index.html"))
    english = next((outdir / "en/p").glob(f"{content['statement_en'].pk}/*/index.html"))
    return {
        "root": outdir / "index.html",
        "home-fa": outdir / "fa/index.html",
        "home-en": outdir / "en/index.html",
        "statement-fa": statement,
        "statement-en": english,
        "archive-fa": outdir / "fa/archive/index.html",
        "kind-en": outdir / "en/statement/index.html",
        "search-fa": outdir / "fa/search/index.html",
        "search-en": outdir / "en/search/index.html",
        "bulletins-fa": outdir / "fa/bulletins/index.html",
        "old-address": outdir / "node/10158/index.html",
        "not-found": outdir / "404.html",
    }


# Tor Browser reads this in a page that cannot send the Onion-Location header (the issue
# asks for it); the checker does not know the value: its one message, when one is set.
ONION_MESSAGE = "Bad value “onion-location” for attribute “http-equiv” on element “meta”."


@pytest.mark.parametrize(
    ("forms", "onion"), [("primary", ""), ("note", ""), ("note", "http://nashrexample.onion")]
)
def test_mirror_pages_are_valid_html(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path, forms: str, onion: str
) -> None:
    """The Nu Html Checker finds no error in a sample of mirror pages (with an onion
    address set, none but its not knowing Tor's `onion-location`)."""
    with override_settings(
        NASHR_MIRROR_URLS=["https://mirror.example.org/nashr/"], NASHR_ONION_URL=onion
    ):
        build_mirror(forms=forms)
    documents = {
        name: path.read_text(encoding="utf-8")
        for name, path in _sample(outdir, mirror_content).items()
    }
    if onion:
        assert f'<meta http-equiv="onion-location" content="{onion}/' in documents["root"]
        assert f'<meta http-equiv="onion-location" content="{onion}/fa/' in documents["home-fa"]
    errors = check_html(documents)
    found = {
        name: describe_vnu([m for m in messages if m.get("message") != ONION_MESSAGE])
        for name, messages in errors.items()
    }
    assert {name: messages for name, messages in found.items() if messages} == {}


@override_settings(NASHR_MIRROR_URLS=["https://mirror.example.org/nashr/"])
def test_mirror_pages_pass_axe(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path, chromium: Browser
) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the sample, the search with results too."""
    build_mirror(forms="note")
    page = chromium.new_page()
    found: dict[str, list[str]] = {}
    for name, path in _sample(outdir, mirror_content).items():
        if name in {"root", "old-address"}:
            continue  # they move on at once
        page.goto(path.as_uri())
        if violations := run_axe(page):
            found[name] = describe_axe(violations)
    page.goto((outdir / "fa/search/index.html").as_uri() + "?q=" + "زندانیان")
    page.wait_for_selector("#search-results li")
    if violations := run_axe(page):
        found["search-results"] = describe_axe(violations)
    page.close()
    assert found == {}
