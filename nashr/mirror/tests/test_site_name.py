"""The mirror names the site as configured for each language, like the site itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.test import override_settings

from .conftest import BuildMirror


def _title(path: Path) -> str:
    found = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S)
    assert found is not None, path
    return found.group(1)


@override_settings(
    NASHR_SITE_NAME="Voice of Freedom", NASHR_LANGUAGE_OPTIONS={"fa": "site_name=صدای_آزادی"}
)
def test_mirror_pages_feeds_and_root_carry_the_configured_name(
    make_publication: Callable[..., Any], build_mirror: BuildMirror, outdir: Path
) -> None:
    """The root page, each language's home, search page and feed name the site in that
    language; no page keeps the built-in name."""
    make_publication()
    build_mirror()
    assert _title(outdir / "index.html") == "صدای آزادی"  # the default language's
    assert _title(outdir / "fa/index.html") == "صدای آزادی"
    assert _title(outdir / "en/index.html") == "Voice of Freedom"
    assert _title(outdir / "en/search/index.html").endswith("· Voice of Freedom")
    assert "<title>صدای آزادی: " in (outdir / "fa/feeds/rss/feed.xml").read_text(encoding="utf-8")
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"\b(نشر|Nashr)</(title|a)>", text), page
