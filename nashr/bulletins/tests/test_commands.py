"""`nashr bulletin series|draft|publish|correct|render` as an editor types them."""

from __future__ import annotations

import email
import email.policy
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nashr.accounts import roles
from nashr.bulletins.models import Bulletin, Series


def _run(*args: str) -> str:
    out = StringIO()
    call_command("bulletin", *args, stdout=out)
    return out.getvalue().strip()


def test_series_draft_publish_render(tmp_path: Path, make_publication) -> None:
    """The four commands create, draft, publish as 47 and write three formats."""
    colophon = tmp_path / "colophon.md"
    colophon.write_text("A monthly bulletin. <https://example.org>", encoding="utf-8")
    editorial = tmp_path / "editorial.md"
    editorial.write_text("---\ntitle: “Not given”\n---\nWords of the month.\n", encoding="utf-8")
    make_publication(title="بیانیه")
    assert (
        _run(
            "series",
            "iran",
            "--title",
            "Nashr Bulletin",
            "--language",
            "en",
            "--label",
            "IRAN:",
            "--first-number",
            "47",
            "--colophon",
            str(colophon),
        )
        == "iran created"
    )
    draft_id = _run(
        "draft",
        "--series",
        "iran",
        "--year",
        "2023",
        "--month",
        "11",
        "--editorial",
        str(editorial),
    )
    draft = Bulletin.objects.get(pk=int(draft_id))
    assert draft.editorial_title == "“Not given”" and draft.items.count() == 1
    assert _run("publish", draft_id) == "47"
    for fmt in ("html", "email", "pdf"):
        _run(
            "render",
            "47",
            "--series",
            "iran",
            "--format",
            fmt,
            "--output",
            str(tmp_path / f"out.{fmt}"),
        )
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "IRAN:" in html and 'href="http://127.0.0.1:8000/static/bulletins/bulletin.css"' in html
    message = email.message_from_bytes(
        (tmp_path / "out.email").read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == "Nashr Bulletin No. 47 — November 2023"
    assert Series.objects.get(slug="iran").colophon.startswith("A monthly bulletin.")


def test_errors_say_what_and_where(tmp_path: Path, db: None) -> None:
    """A missing title, an editorial without title and an unknown series are explained."""
    with pytest.raises(CommandError, match="is new: give --title and --language"):
        _run("series", "iran")
    _run("series", "iran", "--title", "T", "--language", "en")
    editorial = tmp_path / "e.md"
    editorial.write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"e\.md, line 1: the editorial has no title"):
        _run("draft", "--series", "iran", "--editorial", str(editorial))
    with pytest.raises(CommandError, match="there is no series “nope”"):
        _run("draft", "--series", "nope")
    with pytest.raises(CommandError, match="no published issue number 3"):
        _run("render", "3", "--series", "iran", "--format", "pdf", "--output", "x.pdf")
    assert Bulletin.objects.count() == 0


def test_publish_and_draft_act_with_the_role_given_by_as(
    english_series, make_publication, make_staff
) -> None:
    """`--as` an author or translator is refused naming the action; `--as` an editor works."""
    make_publication(title="s")
    for role in (roles.AUTHOR, roles.TRANSLATOR, roles.EDITOR):
        make_staff(role)
    draft_id = _run("draft", "--series", "iran-bulletin", "--year", "2023", "--month", "11")
    with pytest.raises(CommandError, match=f"^author may not publish bulletin {draft_id} "):
        _run("publish", draft_id, "--as", "author")
    with pytest.raises(
        CommandError, match=r"^translator may not draft an issue of “iran-bulletin”"
    ):
        _run("draft", "--series", "iran-bulletin", "--as", "translator")
    with pytest.raises(CommandError, match="no active staff member is called “nobody”"):
        _run("publish", draft_id, "--as", "nobody")
    assert list(Bulletin.objects.values_list("status", flat=True)) == ["draft"]
    assert _run("publish", draft_id, "--as", "editor") == "47"
    assert _run("correct", "47", "--series", "iran-bulletin", "--as", "editor") == "47 edition 2"
