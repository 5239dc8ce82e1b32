"""A link the mirror cannot map safely is dropped and reported; the build never stops on it
and never writes or removes anything outside OUTDIR."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from nashr.comments import services as comments
from nashr.core.actors import COMMAND
from nashr.mirror.addresses import file_for
from nashr.mirror.tests.conftest import BuildMirror, check_links
from nashr.mirror.writing import IN_PROGRESS, MANIFEST, STATE_DIR
from nashr.publications import services
from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db


def hostile_paths(pk: int) -> list[str]:
    """Addresses in the site whose decoded path is no safe file path under OUTDIR."""
    return [
        f"/fa/p/{pk}/a%2Fb/",
        f"/fa/p/{pk}/x%00y/",
        f"/fa/p/{pk}/a%2fb%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fescaped/",
        f"/fa/p/{pk}/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fescaped/",
        f"/fa/p/{pk}/%2e%2e/",
        f"/fa/p/{pk}/a%5cb/",
        f"/fa/p/{pk}/a%0Ab/",
        f"/fa/p/{pk}/%C0%AE%C0%AE/",
        f"/fa/p/{pk}/{'x' * 300}/",
        f"/fa/p/{pk}/{'%D8%A8' * 200}/",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fescaped.css",
        "/static/a%00b.css",
        "/static/..%5c..%5cescaped.css",
        "/media/%2e%2e/%2e%2e/%2e%2e/escaped.jpg",
        "/media/a%00b.jpg",
        "/fa/bulletins/x/1/%2e%2e/bulletin.pdf",
        "/fa/bulletins/%2e%2e/1/bulletin.pdf",
        "/fa/bulletins/a%2Fb/1/bulletin.pdf",
    ]


def test_hostile_links_in_a_body_and_a_comment_are_reported_and_stay_inside(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path, tmp_path: Path
) -> None:
    """Full and incremental builds finish, write only inside OUTDIR and name each link."""
    article = mirror_content["article_fa"]
    statement = mirror_content["statement_fa"]
    paths = hostile_paths(article.pk)
    body = "\n\n".join(f"[link {n}]({path})" for n, path in enumerate(paths))
    services.publication_update(actor=COMMAND, publication=article, body=body)
    comments.comment_import(
        actor=COMMAND,
        publication=statement,
        source="pages",
        legacy_id="hostile",
        name="Mallory",
        body="\n\n".join(settings.NASHR_SITE_URL + path for path in paths),
        created_at=timezone.now() - dt.timedelta(hours=1),
        status="approved",
    )

    full = build_mirror()
    services.publication_update(actor=COMMAND, publication=article, title="عنوان تازه")
    incremental = build_mirror()

    assert incremental.full is False
    assert not (outdir / STATE_DIR / IN_PROGRESS).exists()
    root = outdir.resolve()
    for written in outdir.rglob("*"):
        assert root in written.resolve().parents
        assert "\x00" not in written.name and "\\" not in written.name
        assert "\n" not in written.name
    assert [found for found in tmp_path.rglob("escaped*") if root not in found.parents] == []
    # The folders the links above climb to, were they followed.
    for folder in tmp_path.parents[:3]:
        assert list(folder.glob("escaped*")) == []
        assert not (folder / "etc" / "passwd").exists()
    for address in paths:
        for page, summary in ((statement, full), (article, full), (article, incremental)):
            assert any(
                problem.startswith(f"/fa/p/{page.pk}/") and f"link {address}" in problem
                for problem in summary.problems
            ) or any(
                problem.startswith(f"/fa/p/{page.pk}/")
                and f"link {settings.NASHR_SITE_URL}{address}" in problem
                for problem in summary.problems
            ), (page.pk, address)
    _reached, broken = check_links(outdir)
    assert broken == []


def test_addresses_are_decoded_before_they_are_checked() -> None:
    """file_for reads a path as the site does: escapes decoded first, then refused if unsafe."""
    for path in hostile_paths(1):
        assert file_for(path) is None, path
    assert file_for("/fa/", "page=²") is None
    assert file_for("/fa/", "page=" + "9" * 5000) is None
    assert file_for("/fa/bulletins/x/feed/bulletin.pdf") is None
    assert file_for("/static/") is None
    assert file_for("/static/css/site.css") == "static/css/site.css"
    assert file_for("/fa/p/1/%252e%252e/") == "fa/p/1/%2e%2e/index.html"
    assert file_for("/fa/p/1/%D8%A8/") == "fa/p/1/ب/index.html"
    assert file_for("/fa/bulletins/x/1/bulletin.pdf") == "fa/bulletins/x/1/bulletin.pdf"
    assert file_for("/fa/", "page=2") == "fa/page-2.html"


def test_a_damaged_manifest_removes_nothing_outside_outdir(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path, tmp_path: Path
) -> None:
    """Paths in the manifest that leave OUTDIR are ignored, not removed."""
    build_mirror()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    manifest_path = outdir / STATE_DIR / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"]["../victim.txt"] = ["0" * 64, "static"]
    manifest["files"]["media/../../victim.txt"] = ["0" * 64, "static"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    build_mirror(full=True)
    assert victim.read_text(encoding="utf-8") == "keep me"
