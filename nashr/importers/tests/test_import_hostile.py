"""Hostile files: the importer reads 100 kB built to make patterns backtrack in linear time,
and refuses a file over NASHR_IMPORT_MAX_BYTES by name."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nashr.importers.files import read_text
from nashr.importers.formats import PARSERS
from nashr.importers.problems import Refused

SIZE = 100_000
# Each one made a pattern of the importer read the rest of the file again from every
# opening (or every split of a run of spaces): minutes, where a second is plenty.
HOSTILE = {
    "unclosed titles": ("html", "<title>" * (SIZE // 7)),
    "metas without >": ("html", "<meta " * (SIZE // 6)),
    "html tags without >": ("html", "<html " * (SIZE // 6)),
    "one long attribute name": ("html", "<meta " + "a" * SIZE + ">"),
    "a title of <": ("html", "<head><title>" + "<" * SIZE + "</title></head><body>x</body>"),
    "h1 tags without >": ("html", "<body>" + "<h1 " * (SIZE // 4) + "</body>"),
    "heading ending in spaces": ("markdown", "# a" + " " * SIZE + "x\n"),
    "blank lines": ("text", "title\n" + "\n" * SIZE + "x"),
}


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block (the regex engine checks for signals) when it runs too long."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_is_read_in_linear_time(name: str) -> None:
    """100 kB made to backtrack is parsed within two seconds, not minutes."""
    file_type, text = HOSTILE[name]
    with deadline(2.0):
        PARSERS[file_type](text, path=f"hostile.{file_type}")


def test_html_fields_and_their_lines() -> None:
    """Language and meta fields keep their lines; a title from <h1> has the h1's own line."""
    page = (
        '<!doctype html>\n<html dir="rtl" lang="fa-IR">\n<head>\n'
        "<meta name='kind' content=\"statement\">\n<meta name=description content=x&amp;y>\n"
        "</head>\n<body>\n<p>پیش</p>\n<h1>عنوان <b>مهم</b></h1><p>متن</p></body></html>"
    )
    parsed = PARSERS["html"](page, path="p.html")
    assert parsed.fields == {
        "language": "fa-IR",
        "title": "عنوان مهم",
        "kind": "statement",
        "summary": "x&y",
    }
    assert parsed.lines == {"language": 2, "kind": 4, "summary": 5, "title": 9}
    assert "<h1>" not in parsed.body and "متن" in parsed.body


def test_file_over_the_limit_is_a_problem_naming_it(tmp_path: Path, settings) -> None:
    """A file over NASHR_IMPORT_MAX_BYTES is refused, by name, before it is decoded."""
    settings.NASHR_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "huge.md"
    path.write_text("# Title\n\n" + "x" * 1000, encoding="utf-8")
    with pytest.raises(Refused) as refused:
        read_text(path)
    [problem] = refused.value.problems
    assert problem.path == str(path)
    assert "1000 bytes" in str(problem) and "NASHR_IMPORT_MAX_BYTES" in str(problem)
    path.write_text("# Title\n\nshort", encoding="utf-8")
    assert read_text(path)[0].startswith("# Title")
