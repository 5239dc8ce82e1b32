"""Finding the files to import and reading their text, whatever encoding it is in."""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from nashr.importers.problems import Problem, Refused

MARKDOWN, HTML, TEXT = "markdown", "html", "text"
FILE_TYPES = {".md": MARKDOWN, ".markdown": MARKDOWN, ".html": HTML, ".htm": HTML, ".txt": TEXT}


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[Problem]]:
    """The files to import: named files as they are, directories searched recursively.

    In directories, hidden entries and files of other types are passed over.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(_files_under(path))
        elif not (path.exists() or path.is_symlink()):
            problems.append(Problem(str(path), "no such file or directory", hint="check the path"))
        elif path.suffix.lower() not in FILE_TYPES:
            problems.append(
                Problem(
                    str(path),
                    f"unknown file type “{path.suffix or '(none)'}”",
                    hint="name Markdown files .md, HTML files .html and text files .txt",
                )
            )
        else:
            files.append(path)
    return _once_each(files), problems


def _files_under(directory: Path) -> Iterable[Path]:
    for child in sorted(directory.rglob("*")):
        relative = child.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if child.suffix.lower() in FILE_TYPES and (child.is_file() or child.is_symlink()):
            yield child


def _once_each(files: list[Path]) -> list[Path]:
    """The files in their order, a file named twice (itself and in its directory) once."""
    seen: set[Path] = set()
    unique = []
    for path in files:
        resolved = path.absolute()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique


def read_text(path: Path) -> tuple[str, str]:
    """The text of a file and the encoding it was in; Refused if it has no text to import.

    At most NASHR_IMPORT_MAX_BYTES are read, so that neither a huge file nor a link to a
    device that never ends (/dev/zero) fills the memory.
    """
    data = read_limited(path, hint="split it into smaller files, or raise NASHR_IMPORT_MAX_BYTES")
    return decode(data, path=str(path))


def read_limited(
    path: Path,
    *,
    hint: str = "raise NASHR_IMPORT_MAX_BYTES",
    setting: str = "NASHR_IMPORT_MAX_BYTES",
) -> bytes:
    """The bytes of a file of at most the limit `setting` names; Refused if it is larger
    (`hint` says what to do then) or cannot be read. No more than the limit is read."""
    limit = int(getattr(settings, setting))
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise Refused(
            Problem(
                str(path),
                f"cannot be read ({exc.strerror or exc})",
                hint="check that the file exists and may be read",
            )
        ) from exc
    if len(data) > limit:
        raise Refused(Problem(str(path), f"larger than the limit of {limit} bytes", hint=hint))
    return data


def decode(data: bytes, *, path: str) -> tuple[str, str]:
    """The text of a file and the encoding it was in: UTF-8 (or UTF-16 with its
    byte-order mark), else Windows-1256."""
    if not data.strip():
        raise Refused(Problem(path, "the file is empty", hint="remove it or write the publication"))
    encoding = ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data, encoding = _utf16_as_utf8(data, path=path), "utf-16"
    if b"\x00" in data:
        raise _binary(path)
    try:
        text, encoding = data.decode("utf-8-sig"), encoding or "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1256"), "cp1256"
        except UnicodeDecodeError as exc:
            raise Refused(
                Problem(
                    path,
                    f"neither UTF-8 nor Windows-1256 text (byte {exc.start})",
                    hint="save the file as UTF-8",
                )
            ) from exc
    if _looks_binary(text):
        raise _binary(path)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _utf16_as_utf8(data: bytes, *, path: str) -> bytes:
    # Windows Notepad's "Unicode": UTF-16 with a byte-order mark, full of NUL bytes.
    try:
        return data.decode("utf-16").encode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(
            Problem(
                path,
                f"starts like UTF-16 text but is not (byte {exc.start})",
                hint="save the file as UTF-8",
            )
        ) from exc


def _looks_binary(text: str) -> bool:
    """More control characters than text has (a few stray ones are allowed)."""
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f"
    )
    return controls > max(2, len(text) // 100)


def _binary(path: str) -> Refused:
    return Refused(Problem(path, "binary file, not text", hint="import .md, .html or .txt text"))
