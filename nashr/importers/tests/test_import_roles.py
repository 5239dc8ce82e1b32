"""`nashr import --as USERNAME` imports with that staff member's role, or not at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nashr.publications.models import Publication, Status
from nashr.testing.wxr import Post, wxr

STATEMENT = """---
title: بیانیه درباره آزادی زندانیان
language: fa
kind: statement
date: 2024-03-05
status: {status}
---
پاراگراف نخست.
"""


def _file(tmp_path: Path, status: str) -> str:
    path = tmp_path / f"{status}.md"
    path.write_text(STATEMENT.format(status=status), encoding="utf-8")
    return str(path)


def _import(*args: str, stderr: io.StringIO | None = None) -> None:
    call_command("import", *args, stdout=io.StringIO(), stderr=stderr or io.StringIO())


def test_author_cannot_import_a_published_file(tmp_path, kinds, make_staff) -> None:
    """An author's import of a published file fails naming the permission; nothing is saved."""
    author = make_staff("author")
    problems = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        _import(_file(tmp_path, Status.PUBLISHED), "--as", author.username, stderr=problems)
    assert "published.md" in problems.getvalue()
    assert "author may not publish" in problems.getvalue()
    assert not Publication.objects.exists()


def test_author_imports_drafts_by_command(tmp_path, kinds, make_staff) -> None:
    """The same author imports a draft file, and a published one told `--status draft`."""
    author = make_staff("author")
    _import(_file(tmp_path, Status.DRAFT), "--as", author.username)
    text = STATEMENT.replace("status: {status}\n", "").replace("2024-03-05", "2024-03-06")
    other = tmp_path / "no-status.md"
    other.write_text(text, encoding="utf-8")
    _import(str(other), "--status", Status.DRAFT, "--as", author.username)
    imported = Publication.objects.order_by("date")
    assert [p.status for p in imported] == [Status.DRAFT, Status.DRAFT]
    assert {p.created_by for p in imported} == {author}


def test_unknown_username_is_a_clean_error(tmp_path, kinds) -> None:
    """`--as nosuchuser` is a CommandError naming the option; nothing is saved."""
    with pytest.raises(CommandError, match=r"--as.*nosuchuser"):
        _import(_file(tmp_path, Status.DRAFT), "--as", "nosuchuser")
    assert not Publication.objects.exists()


def test_author_importing_published_posts_names_each(tmp_path, kinds, make_staff) -> None:
    """An author's WordPress import fails naming every published post (saved in batches, a
    refused batch is tried item by item); its draft is not saved either."""
    posts = [
        Post(1, "Published one", "<p>x</p>"),
        Post(2, "A draft", "<p>x</p>", status="draft"),
        Post(3, "Published two", "<p>x</p>"),
    ]
    path = tmp_path / "export.xml"
    path.write_text(wxr(posts), encoding="utf-8")
    problems = io.StringIO()
    author = make_staff("author")
    with pytest.raises(CommandError, match="nothing was imported"):
        _import(str(path), "--as", author.username, stderr=problems)
    refused = [line for line in problems.getvalue().splitlines() if "may not publish" in line]
    assert len(refused) == 2, problems.getvalue()
    assert "post 1" in refused[0] and "post 3" in refused[1]
    assert not Publication.objects.exists()
