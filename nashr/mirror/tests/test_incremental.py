"""A second build rewrites only what changed, removes what was unpublished."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from nashr.comments import services as comments
from nashr.core.actors import COMMAND
from nashr.mirror.planning import tree_fingerprint
from nashr.mirror.tests.conftest import BuildMirror, files_in
from nashr.publications import services
from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db


def test_nothing_changed_writes_nothing(
    mirror_content: SiteContent, build_mirror: BuildMirror
) -> None:
    """A build after a build writes and removes no file."""
    build_mirror()
    summary = build_mirror()
    assert (summary.written, summary.removed, summary.full) == ([], [], False)


def test_an_edit_rewrites_its_pages_lists_and_feeds_only(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """An edited title rewrites its pages, the lists, feeds and index showing it; no other."""
    build_mirror()
    before = files_in(outdir)
    article = mirror_content["article_fa"]
    services.publication_update(actor=COMMAND, publication=article, title="عنوان تازه‌ی مقاله")
    summary = build_mirror()
    written = set(summary.written)
    assert summary.removed == [] and summary.full is False
    assert {rel for rel in written if rel.startswith(f"fa/p/{article.pk}/")}
    assert {rel for rel in written if rel.startswith(f"en/p/{article.pk}/")}
    assert {"fa/index.html", "fa/article/index.html", "fa/feeds/rss/feed.xml"} <= written
    assert any(rel.startswith("fa/search/s/") for rel in written)
    statement = mirror_content["statement_fa"]
    assert not [rel for rel in written if f"/p/{statement.pk}/" in rel]
    assert not [rel for rel in written if rel.startswith(("static/", "fa/statement/", "en/news/"))]
    after = files_in(outdir)
    assert {rel for rel in after if after[rel] != before.get(rel)} == written


def test_unpublishing_removes_the_pages(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """An unpublished publication's pages and old address go from the mirror."""
    build_mirror()
    statement = mirror_content["statement_fa"]
    assert (outdir / "node/10158/index.html").is_file()
    services.publication_unpublish(actor=COMMAND, publication=statement)
    summary = build_mirror()
    assert not (outdir / "node/10158/index.html").exists()
    assert not (outdir / f"fa/p/{statement.pk}").exists()
    assert "node/10158/index.html" in summary.removed
    assert all(str(statement.title) not in text.decode("utf-8", "replace")
               for rel, text in files_in(outdir).items() if rel.endswith(".html"))  # fmt: skip


def test_code_fingerprint_follows_contents_not_file_times(tmp_path: Path) -> None:
    """A file rewritten with the same bytes (a new deploy) keeps the fingerprint; an edit not."""
    templates = tmp_path / "nashr" / "templates"
    templates.mkdir(parents=True)
    page = templates / "page.html"
    page.write_text("<p>{{ title }}</p>", encoding="utf-8")
    before = tree_fingerprint([tmp_path / "nashr"], tmp_path)
    os.utime(page, ns=(1, 1))
    page.with_name("notes.bin").write_bytes(b"not code")
    assert tree_fingerprint([tmp_path / "nashr"], tmp_path) == before
    page.write_text("<p>{{ title }}!</p>", encoding="utf-8")
    assert tree_fingerprint([tmp_path / "nashr"], tmp_path) != before


def test_hiding_comments_rewrites_the_page(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """Comments hidden after a build are gone from the publication's page at the next one."""
    statement = mirror_content["statement_fa"]
    comments.comment_import(
        actor=COMMAND,
        publication=statement,
        source="pages",
        legacy_id="shown-then-hidden",
        name="Reader",
        body="A comment shown until hidden.",
        created_at=timezone.now() - dt.timedelta(hours=1),
        status="approved",
    )
    build_mirror()
    page = next(outdir.glob(f"fa/p/{statement.pk}/*/index.html"))
    assert "A comment shown until hidden." in page.read_text()
    comments.comment_policy_set(actor=COMMAND, publication=statement, hidden=True)
    summary = build_mirror()
    assert any(rel.startswith(f"fa/p/{statement.pk}/") for rel in summary.written)
    assert "A comment shown until hidden." not in page.read_text()
