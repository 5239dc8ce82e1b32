"""Reading a file's bytes as text: encodings, line ends, and what is refused as binary."""

from __future__ import annotations

import codecs

import pytest

from nashr.importers.files import decode
from nashr.importers.problems import Refused


def refusal(data: bytes) -> str:
    with pytest.raises(Refused) as refused:
        decode(data, path="f.txt")
    [problem] = refused.value.problems
    return str(problem)


def test_utf8_byte_order_mark_is_not_part_of_the_text() -> None:
    """A UTF-8 file saved with a BOM is read as UTF-8, the BOM dropped."""
    assert decode(codecs.BOM_UTF8 + "سلام".encode(), path="f.txt") == ("سلام", "utf-8")


def test_windows_1256_when_not_utf8() -> None:
    """Bytes that are not UTF-8 are read as Windows-1256."""
    assert decode("خبر".encode("cp1256"), path="f.txt") == ("خبر", "cp1256")


def test_line_ends_become_newlines() -> None:
    """Windows and old Mac line ends are read as newlines."""
    assert decode(b"one\r\ntwo\rthree\n", path="f.txt")[0] == "one\ntwo\nthree\n"


def test_broken_utf16_is_refused_with_the_byte() -> None:
    """A UTF-16 byte-order mark followed by what is not UTF-16 is refused, saying where."""
    message = refusal(codecs.BOM_UTF16_LE + b"\x00\xd8a")
    assert message == "f.txt: starts like UTF-16 text but is not (byte 2) (save the file as UTF-8)"


def test_a_few_control_characters_are_text_many_are_binary() -> None:
    """Two stray control characters pass; text full of them is refused as binary."""
    assert decode(b"plain text\x01\x02 here", path="f.txt")[0] == "plain text\x01\x02 here"
    assert refusal(b"abc\x01\x02\x03\x04d").startswith("f.txt: binary file, not text")
