"""`nashr import`: Markdown, HTML and text files, encodings, calendars, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ImportFailed
from nashr.importers.problems import Problem
from nashr.importers.run import publications_import
from nashr.publications.models import Publication, Signatory, Status

STATEMENT_FA = """---
title: بیانیه درباره آزادی زندانیان
language: fa
kind: statement
date: 2024-03-05
signatory: executive-committee
summary: خلاصه‌ای کوتاه
translation_key: prisoners-2024
legacy_path: /node/10158
---
پاراگراف نخست.

پاراگراف **دوم**.
"""

STATEMENT_EN = """---
title: Statement on the release of prisoners
language: en
kind: statement
date: 2024-03-06
signatory: Executive Committee
translation_key: prisoners-2024
---
First paragraph.
"""


def write(directory: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode(encoding))
    return path


def run(*paths: Path, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *[str(p) for p in paths], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def failing(*paths: Path, **options) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import", *[str(p) for p in paths], stdout=io.StringIO(), stderr=err, **options
        )
    return err.getvalue()


def test_markdown_with_front_matter(tmp_path, signatory, kinds) -> None:
    """Every front-matter field lands in the publication; published at noon of its date."""
    path = write(tmp_path, "a.md", STATEMENT_FA)
    out, _err = run(path)
    publication = Publication.objects.get()
    assert publication.title == "بیانیه درباره آزادی زندانیان"
    assert publication.kind == kinds["statement"] and publication.signatory == signatory
    assert publication.date == dt.date(2024, 3, 5)
    assert publication.summary == "خلاصه‌ای کوتاه"
    assert publication.legacy_path == "/node/10158"
    assert publication.status == Status.PUBLISHED
    assert timezone.localtime(publication.published_at).date() == dt.date(2024, 3, 5)
    assert "<strong>دوم</strong>" in publication.body_html
    assert f"created #{publication.pk}: fa statement" in out


def test_versions_sharing_a_key_are_linked(tmp_path, signatory) -> None:
    """The Persian version is the original; the English one its translation, revision 1."""
    write(tmp_path, "en.md", STATEMENT_EN)
    write(tmp_path, "fa.md", STATEMENT_FA)
    run(tmp_path)
    original = Publication.objects.get(language="fa")
    translation = Publication.objects.get(language="en")
    assert original.translation_of is None
    assert translation.translation_of == original
    assert translation.translation_key == original.translation_key
    assert translation.source_revision == original.revision == 1
    assert translation.signatory == signatory  # matched by its English name


def test_signatory_named_in_another_spelling_is_found(tmp_path, signatory) -> None:
    """«كميتهٔ اجرايي» (Arabic letters, a hamza on the heh) names «کمیته اجرایی»."""
    text = STATEMENT_FA.replace("signatory: executive-committee", "signatory: كميتهٔ اجرايي")
    write(tmp_path, "fa.md", text)
    run(tmp_path)
    assert Publication.objects.get().signatory == signatory


def test_original_marker_and_later_translation(tmp_path, signatory) -> None:
    """`original: true` makes the English file the original; a later import adds to it."""
    write(tmp_path / "one", "en.md", STATEMENT_EN.replace("---\nF", "original: true\n---\nF"))
    run(tmp_path / "one")
    write(tmp_path / "two", "fa.md", STATEMENT_FA)
    run(tmp_path / "two")
    english = Publication.objects.get(language="en")
    assert english.translation_of is None
    assert Publication.objects.get(language="fa").translation_of == english


def test_jalali_date_with_persian_digits(tmp_path, signatory) -> None:
    """`calendar: jalali` with Persian digits gives the right Gregorian day (29 Esfand 1402)."""
    text = STATEMENT_FA.replace("date: 2024-03-05", "date: ۱۴۰۲/۱۲/۲۹\ncalendar: jalali")
    run(write(tmp_path, "a.md", text))
    assert Publication.objects.get().date == dt.date(2024, 3, 19)


def test_windows_1256_text_file(tmp_path, kinds) -> None:
    """A Windows-1256 text file is read; its first line is the title; Persian is detected.

    Windows-1256 has no Persian yeh: such files write the Arabic one, made Persian here.
    """
    text = "گزارش ماهانه حقوق بشر\r\n\r\nدر این ماه * دو نفر بازداشت شدند.\r\n# نه عنوان\r\n"
    path = write(tmp_path, "old.txt", text.replace("ی", "ي"), encoding="cp1256")
    out, _err = run(path, kind="report", date="1403-01-15", calendar="jalali")
    publication = Publication.objects.get()
    assert publication.title == "گزارش ماهانه حقوق بشر"
    assert publication.language == "fa"
    assert publication.date == dt.date(2024, 4, 3)
    assert "در این ماه * دو نفر" in publication.body_html
    assert "<h1>" not in publication.body_html and "# نه عنوان" in publication.body_html
    assert "cp1256" in out and "fa (detected)" in out


def test_utf16_text_file_with_bom(tmp_path, kinds) -> None:
    """A UTF-16 file with its byte-order mark (Notepad's “Unicode”) is read, not called binary."""
    text = "بیانیه درباره آزادی بیان\r\n\r\nمتن بیانیه.\r\n"
    for name, encoding in (("le.txt", "utf-16"), ("be.txt", "utf-16-be")):
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        out, _err = run(write(tmp_path / name[:2], name, data), kind="statement", date="2024-04-02")
        assert "utf-16" in out
    titles = sorted(Publication.objects.values_list("title", flat=True))
    assert titles == ["بیانیه درباره آزادی بیان"] * 2
    assert all("متن بیانیه." in p.body_html for p in Publication.objects.all())


def test_html_file_title_and_sanitizing(tmp_path, kinds) -> None:
    """HTML: title from <title>, fields from <meta>, body sanitized of script and handlers."""
    page = """<!doctype html><html lang="en"><head><title>Report on arrests</title>
<meta name="kind" content="report"><meta name="date" content="2024-04-02">
<meta name="description" content="Monthly figures"><script>alert(1)</script></head>
<body><h1>Report on arrests</h1><p onclick="x()">Forty <a href="javascript:evil()">people</a>.</p>

<p>Second <img src="https://tracker.example/p.gif"> paragraph.</p></body></html>"""
    run(write(tmp_path, "r.html", page))
    publication = Publication.objects.get()
    assert publication.title == "Report on arrests" and publication.language == "en"
    assert publication.summary == "Monthly figures"
    for hostile in ("alert", "onclick", "javascript:", "tracker.example", "<h1>"):
        assert hostile not in publication.body_html
    assert "Forty" in publication.body_html and "Second" in publication.body_html


def test_html_title_from_first_h1(tmp_path, kinds) -> None:
    """Without <title>, the first <h1> is the title."""
    page = "<html><body><h1>خبر کوتاه</h1><p>متن خبر.</p></body></html>"
    run(write(tmp_path, "n.htm", page), kind="news", date="2024-05-01")
    publication = Publication.objects.get()
    assert publication.title == "خبر کوتاه" and publication.language == "fa"


def test_directories_recursive(tmp_path, signatory) -> None:
    """Directories are searched recursively; hidden and other files are passed over."""
    write(tmp_path, "2024/03/fa.md", STATEMENT_FA)
    write(tmp_path, "2024/04/en.md", STATEMENT_EN)
    write(tmp_path, "2024/notes.pdf", b"%PDF-1.4\x00\x01")
    write(tmp_path, ".git/x.md", "not a publication")
    run(tmp_path)
    assert Publication.objects.count() == 2


def test_dry_run_saves_nothing(tmp_path, signatory) -> None:
    """--dry-run reports what would be created and leaves the database as it was."""
    write(tmp_path, "fa.md", STATEMENT_FA)
    write(tmp_path, "en.md", STATEMENT_EN)
    out, _err = run(tmp_path, dry_run=True)
    assert "would create: fa statement" in out and "translation of" in out
    assert "2 publication(s) would be created" in out
    assert "dry run: nothing saved" in out
    assert not Publication.objects.exists()


def test_rerun_is_refused_or_skipped(tmp_path, signatory) -> None:
    """A second import of the same files fails, or with --skip-existing changes nothing."""
    write(tmp_path, "fa.md", STATEMENT_FA)
    run(tmp_path)
    err = failing(tmp_path)
    assert "already imported as publication" in err and "--skip-existing" in err
    out, _err = run(tmp_path, skip_existing=True)
    assert "skipped" in out
    assert Publication.objects.count() == 1


def test_unknown_signatory_created_only_when_asked(tmp_path, kinds) -> None:
    """An unknown signatory is an error, or created with --create-signatories."""
    text = STATEMENT_FA.replace("executive-committee", "شورای هماهنگی")
    path = write(tmp_path, "a.md", text)
    err = failing(path)
    assert "a.md:6: signatory: unknown signatory" in err
    run(path, create_signatories=True)
    assert Publication.objects.get().signatory == Signatory.objects.get(names__fa="شورای هماهنگی")


BAD_INPUTS: dict[str, tuple[str, str | bytes, str]] = {
    "missing title": (
        "t.md",
        "---\nkind: news\ndate: 2024-01-01\n---\nBody only.\n",
        "t.md: title: no title",
    ),
    "unknown language": (
        "l.md",
        STATEMENT_FA.replace("language: fa", "language: ku"),
        "l.md:3: language: unknown language “ku”",
    ),
    "unknown kind": (
        "k.md",
        STATEMENT_FA.replace("kind: statement", "kind: communique"),
        "k.md:4: kind: unknown kind “communique”",
    ),
    "impossible date": (
        "d.md",
        STATEMENT_FA.replace("date: 2024-03-05", "date: 1402-12-30\ncalendar: jalali"),
        "d.md:5: date: “1402-12-30” is not a day of the jalali calendar",
    ),
    "calendar mix-up": (
        "m.md",
        STATEMENT_FA.replace("date: 2024-03-05", "date: 1402-12-15"),
        "m.md:5: date: “1402-12-15” looks like a Jalali (Solar Hijri) date, not a Gregorian one",
    ),
    "bad yaml": (
        "y.md",
        STATEMENT_FA.replace("summary: خلاصه‌ای کوتاه", "summary: [unclosed"),
        "y.md:7: front matter is not valid YAML",
    ),
    "unclosed front matter": ("u.md", "---\ntitle: x\n", "u.md:1: front matter is not closed"),
    "unknown field": (
        "f.md",
        STATEMENT_FA.replace("summary:", "sumary:"),
        "f.md:7: sumary: unknown field",
    ),
    "binary file": ("b.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "b.md: binary file"),
    "empty file": ("e.txt", b"  \n", "e.txt: the file is empty"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_saves_nothing(tmp_path, signatory, case) -> None:
    """Each kind of bad input is reported with file, line and field, and nothing is saved."""
    name, text, expected = BAD_INPUTS[case]
    write(tmp_path, "good.md", STATEMENT_EN)  # a good file in the same run is not saved
    bad = write(tmp_path, name, text)
    err = failing(tmp_path, bad)
    assert expected in err
    assert not Publication.objects.exists()
    assert not Signatory.objects.exclude(pk=signatory.pk).exists()


def test_unreadable_file(tmp_path, signatory) -> None:
    """A file that cannot be read (a dangling link) is reported and nothing is saved."""
    write(tmp_path, "good.md", STATEMENT_FA)
    os.symlink(tmp_path / "gone.md", tmp_path / "link.md")
    err = failing(tmp_path)
    assert "link.md: cannot be read" in err
    assert not Publication.objects.exists()


def test_every_problem_of_the_run_is_reported(tmp_path, signatory) -> None:
    """Problems in several files, and several in one file, are all listed at once."""
    for case in ("missing title", "unknown kind", "binary file"):
        name, text, _expected = BAD_INPUTS[case]
        write(tmp_path, name, text)
    text = STATEMENT_FA.replace("kind: statement", "kind: x").replace(
        "language: fa", "language: zz"
    )
    write(tmp_path, "two.md", text)
    with pytest.raises(ImportFailed) as failed:
        publications_import(actor=COMMAND, paths=[tmp_path])
    problems = [p for p in failed.value.problems if isinstance(p, Problem)]
    reported = {(Path(p.path).name, p.field) for p in problems}
    assert {("t.md", "title"), ("k.md", "kind"), ("b.md", None)} <= reported
    assert {("two.md", "kind"), ("two.md", "language")} <= reported
    assert not Publication.objects.exists()


def test_two_versions_in_one_language(tmp_path, signatory) -> None:
    """Two Persian files with one translation key are refused."""
    write(tmp_path, "a.md", STATEMENT_FA)
    write(tmp_path, "b.md", STATEMENT_FA.replace("/node/10158", "/node/2"))
    err = failing(tmp_path)
    assert "b.md: translation_key: a second “fa” version" in err
    assert not Publication.objects.exists()


def test_missing_path_and_unknown_type(tmp_path, db) -> None:
    """A path that does not exist, or a named file of another type, is an error."""
    other = write(tmp_path, "x.docx", b"PK")
    err = failing(tmp_path / "nope", other)
    assert "nope: no such file or directory" in err
    assert "x.docx: unknown file type" in err
