"""A mirror of the representative content (nashr.testing.pages), and a link checker."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings

from nashr.mirror.build import Summary, mirror_build
from nashr.mirror.writing import STATE_DIR
from nashr.testing.moto_server import moto_s3  # noqa: F401  # a fixture
from nashr.testing.pages import SiteContent

BuildMirror = Callable[..., Summary]

_TAG = re.compile(r"<(a|link|img|script|form|source)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"\s(href|src|action|srcset)=\"([^\"]*)\"", re.IGNORECASE)


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    return tmp_path / "mirror"


@pytest.fixture
def build_mirror(outdir: Path) -> BuildMirror:
    def build(**options: Any) -> Summary:
        return mirror_build(outdir=outdir, **options)

    return build


@pytest.fixture
def mirror_content(site_content: SiteContent) -> SiteContent:
    """The representative content, one publication with an old address."""
    publication = site_content["statement_fa"]
    type(publication).objects.filter(pk=publication.pk).update(legacy_path="/node/10158")
    return site_content


def files_in(root: Path) -> dict[str, bytes]:
    """Every file of the mirror (not its build state), by path relative to it."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and STATE_DIR not in path.relative_to(root).parts
    }


def check_links(root: Path) -> tuple[set[str], list[str]]:
    """Walk the mirror from index.html: the pages reached, and every broken or forbidden link.

    Forbidden: an absolute link to the primary site outside canonical/alternate tags and
    form actions.
    """
    site = settings.NASHR_SITE_URL
    seen: set[str] = set()
    problems: list[str] = []
    queue = ["index.html"]
    while queue:
        rel = queue.pop()
        if rel in seen:
            continue
        seen.add(rel)
        if not rel.endswith(".html"):
            continue
        text = (root / rel).read_text(encoding="utf-8")
        for tag in _TAG.finditer(text):
            element = tag.group(0)
            links = []
            for attr, raw in _ATTR.findall(element):
                if attr.lower() == "srcset":
                    links += [part.strip().split(" ")[0] for part in html.unescape(raw).split(",")]
                else:
                    links.append(html.unescape(raw))
            for value in links:
                if value.startswith(site):
                    allowed = tag.group(1).lower() == "form" or (
                        tag.group(1).lower() == "link"
                        and ('rel="canonical"' in element or "hreflang" in element)
                    )
                    if not allowed:
                        problems.append(f"{rel}: absolute link to the site {value}")
                    continue
                parts = urlsplit(value)
                if parts.scheme or parts.netloc or not parts.path:
                    continue
                target = Path(rel).parent / unquote(parts.path)
                resolved = (root / target).resolve()
                if not resolved.is_file() or root.resolve() not in resolved.parents:
                    problems.append(f"{rel}: broken link {value}")
                    continue
                queue.append(resolved.relative_to(root.resolve()).as_posix())
    return seen, problems
