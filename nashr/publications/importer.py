"""Import publications from files: Markdown with front matter, HTML, plain text.

What a file may say (Markdown front matter; HTML ``<meta name="FIELD" content="…">`` and
``<html lang>``; plain text may open with front matter too)::

    title, language, kind, date, calendar (gregorian | jalali), signatory, summary,
    translation_key, original (true), source_url, legacy_path, status, slug

Rules, decided here once:

- **Reading**: UTF-8 first (strictly, a BOM allowed), then Windows-1256, the encoding of
  older Persian files; UTF-16 only with its byte-order mark (Notepad's "Unicode"). A
  file with NUL bytes or many control characters is binary and refused.
- **Title**: the ``title`` field; else a Markdown file's first ``# heading``, an HTML
  file's ``<title>`` or first ``<h1>``, a text file's first non-empty line.
- **Language**: ``fa`` or ``en`` (``fa-IR`` is ``fa``); when a file does not say, the
  script of its text decides (more Arabic-script letters than Latin ones is Persian).
- **Date**: ``YYYY-MM-DD`` (``/`` or ``.`` between, Persian digits allowed), Gregorian
  unless ``calendar: jalali``. A Gregorian year before 1700 or a Jalali year after 1700
  is refused as a calendar mix-up.
- **Kind**: an existing kind, by slug or name; an unknown kind is an error (kinds are
  an administrator's decision). **Signatory**: by slug or name in either language; an
  unknown one is an error unless ``create_signatories`` (``--create-signatories``) is
  given, which creates it with the name as written (its slug from the name).
- **Status**: ``published`` unless told; a published import is dated at noon (local
  time) of the date it bears, not at the time of the import.
- **Translations**: files sharing a ``translation_key`` (any text; a UUID is used as it
  is) are versions of one publication. The original is the one marked ``original:
  true``, else the version already in the database, else the Persian version, else the
  earliest. The others become its translations, made from its current revision.
- **Again**: a version (key and language) or legacy path already in the database is an
  error, unless ``skip_existing``, which skips those files; a re-run of the same import
  then changes nothing.
- **All or nothing**: every file is read and checked, every problem reported with file,
  line and field; if there is any, nothing is saved. A dry run does everything inside a
  transaction that is then rolled back.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import re
import sys
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from nashr.core import calendars
from nashr.core.actors import Actor
from nashr.core.content import sanitize_html
from nashr.core.exceptions import ApplicationError, ImportFailed
from nashr.core.languages import Language
from nashr.publications import services
from nashr.publications.models import Kind, Publication, Signatory, Status

MARKDOWN, HTML, TEXT = "markdown", "html", "text"
FILE_TYPES = {".md": MARKDOWN, ".markdown": MARKDOWN, ".html": HTML, ".htm": HTML, ".txt": TEXT}
FIELDS = (
    "title",
    "language",
    "kind",
    "date",
    "calendar",
    "signatory",
    "summary",
    "translation_key",
    "original",
    "source_url",
    "legacy_path",
    "status",
    "slug",
)
# Keys derived from a textual translation_key live in this namespace, so the same text
# gives the same key on every run and every machine.
KEY_NAMESPACE = uuid.UUID("0f6e6c1a-4b1e-4c59-9a55-2f7a8a7d3e21")
PROGRESS_MIN_FILES = 20


@dataclass(frozen=True)
class Problem:
    """What is wrong with one file, where, and what to do."""

    path: str
    message: str
    line: int | None = None
    field: str | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return f"{text} ({self.hint})" if self.hint else text


@dataclass
class Defaults:
    """Values for what files do not say (the command's options)."""

    kind: str = ""
    language: str = ""
    date: str = ""
    calendar: str = "gregorian"
    signatory: str = ""
    status: str = Status.PUBLISHED


@dataclass
class Entry:
    """One file, read and checked, ready to be saved."""

    path: str
    file_type: str
    encoding: str
    title: str
    language: str
    language_detected: bool
    kind: Kind
    date: dt.date
    body: str
    summary: str = ""
    signatory: Signatory | None = None
    signatory_name: str = ""
    status: str = Status.PUBLISHED
    slug: str = ""
    source_url: str = ""
    legacy_path: str | None = None
    key: uuid.UUID = field(default_factory=uuid.uuid4)
    key_given: bool = False
    original: bool = False
    translation_of: Entry | Publication | None = None
    publication: Publication | None = None


@dataclass
class ImportReport:
    created: list[Entry]
    skipped: list[tuple[str, str]]
    dry_run: bool


# ---- reading ----------------------------------------------------------------------------


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[Problem]]:
    """The files to import: named files as they are, directories searched recursively.

    In directories, hidden entries and files of other types are passed over.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if child.suffix.lower() in FILE_TYPES and (child.is_file() or child.is_symlink()):
                    files.append(child)
        elif path.exists() or path.is_symlink():
            if path.suffix.lower() not in FILE_TYPES:
                problems.append(
                    Problem(
                        str(path),
                        f"unknown file type “{path.suffix or '(none)'}”",
                        hint="name Markdown files .md, HTML files .html and text files .txt",
                    )
                )
            else:
                files.append(path)
        else:
            problems.append(Problem(str(path), "no such file or directory", hint="check the path"))
    seen: set[Path] = set()
    unique = []
    for path in files:
        resolved = path.absolute()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique, problems


def decode(data: bytes, *, path: str) -> tuple[str, str]:
    """The text of a file and the encoding it was in: UTF-8 (or UTF-16 with its
    byte-order mark), else Windows-1256."""
    if not data.strip():
        raise _Fail(Problem(path, "the file is empty", hint="remove it or write the publication"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows Notepad's "Unicode": UTF-16 with a byte-order mark, full of NUL bytes.
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Fail(
                Problem(
                    path,
                    f"starts like UTF-16 text but is not (byte {exc.start})",
                    hint="save the file as UTF-8",
                )
            ) from exc
        encoding = "utf-16"
    else:
        encoding = ""
    if b"\x00" in data:
        raise _Fail(Problem(path, "binary file, not text", hint="import .md, .html or .txt text"))
    try:
        text, encoding = data.decode("utf-8-sig"), encoding or "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1256"), "cp1256"
        except UnicodeDecodeError as exc:
            raise _Fail(
                Problem(
                    path,
                    f"neither UTF-8 nor Windows-1256 text (byte {exc.start})",
                    hint="save the file as UTF-8",
                )
            ) from exc
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f"
    )
    if controls > max(2, len(text) // 100):
        raise _Fail(Problem(path, "binary file, not text", hint="import .md, .html or .txt text"))
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


class _Fail(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _NoTimestampLoader(yaml.SafeLoader):
    """YAML without timestamps: a date stays text, to be read in its calendar."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Parsed:
    fields: dict[str, str]
    lines: dict[str, int]
    body: str
    body_line: int


def _front_matter(text: str, *, path: str) -> Parsed:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Parsed({}, {}, text, 1)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise _Fail(
            Problem(path, "front matter is not closed", line=1, hint="end it with a line “---”")
        )
    source = "\n".join(lines[1:end])
    try:
        node = yaml.compose(source, Loader=_NoTimestampLoader)
        data = yaml.load(source, Loader=_NoTimestampLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        # An unclosed bracket is found where the parser gave up; it began at the context.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise _Fail(
            Problem(
                path,
                f"front matter is not valid YAML: {reason}",
                line=(mark.line + 2) if mark is not None else 1,
                hint="write one “field: value” per line; quote values that contain “: ”",
            )
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise _Fail(
            Problem(path, "front matter must be “field: value” lines", line=2, hint="see the docs")
        )
    field_lines = {
        str(key.value): key.start_mark.line + 2
        for key, _value in node.value
        if hasattr(key, "value")
    }
    fields: dict[str, str] = {}
    problems = []
    for key, value in data.items():
        name = str(key)
        if isinstance(value, list | dict):
            problems.append(
                Problem(path, "must be a single value", line=field_lines.get(name), field=name)
            )
            continue
        fields[name] = "" if value is None else str(value).strip()
    if problems:
        raise _Many(problems)
    return Parsed(fields, field_lines, "\n".join(lines[end + 1 :]), end + 2)


class _Many(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def parse_markdown(text: str, *, path: str) -> Parsed:
    parsed = _front_matter(text, path=path)
    if "title" not in parsed.fields:
        body_lines = parsed.body.split("\n")
        for index, line in enumerate(body_lines):
            if not line.strip():
                continue
            match = _HEADING.match(line)
            if match:
                parsed.fields["title"] = match.group(1)
                parsed.lines["title"] = parsed.body_line + index
                parsed.body = "\n".join(body_lines[index + 1 :])
            break
    parsed.body = parsed.body.strip("\n") + "\n"
    return parsed


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def plain_to_markdown(text: str) -> str:
    """Plain text as Markdown that renders to the same words: paragraphs kept, marks escaped."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    paragraphs = re.split(r"\n\s*\n", escaped.strip())
    # Single line breaks inside a paragraph are kept as breaks.
    return "\n\n".join(p.strip().replace("\n", "  \n") for p in paragraphs if p.strip()) + "\n"


def parse_text(text: str, *, path: str) -> Parsed:
    parsed = _front_matter(text, path=path)
    body_lines = parsed.body.split("\n")
    if "title" not in parsed.fields:
        for index, line in enumerate(body_lines):
            if line.strip():
                parsed.fields["title"] = line.strip()
                parsed.lines["title"] = parsed.body_line + index
                body_lines = body_lines[index + 1 :]
                break
    parsed.body = plain_to_markdown("\n".join(body_lines))
    return parsed


_TAG_RE = {
    name: re.compile(rf"<{name}\b[^>]*>(.*?)</{name}\s*>", re.IGNORECASE | re.DOTALL)
    for name in ("title", "h1", "body", "head")
}
_META = re.compile(r"<meta\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_HTML_LANG = re.compile(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z-]+)", re.IGNORECASE)


def _attrs(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value.strip("\"'")) for name, value in _ATTR.findall(text)}


def _text_of(fragment: str) -> str:
    return " ".join(html.unescape(sanitize_tags(fragment)).split())


def sanitize_tags(fragment: str) -> str:
    return re.sub(r"<[^>]*>", " ", fragment)


def parse_html(text: str, *, path: str) -> Parsed:
    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    match = _HTML_LANG.search(text)
    if match:
        fields["language"], lines["language"] = match.group(1), line_of(match.start())
    for meta in _META.finditer(text):
        attrs = _attrs(meta.group(1))
        name = attrs.get("name", "").lower()
        if name == "description":
            name = "summary"
        if name in FIELDS and "content" in attrs:
            fields[name], lines[name] = attrs["content"].strip(), line_of(meta.start())
    body_match = _TAG_RE["body"].search(text)
    body = body_match.group(1) if body_match else _TAG_RE["head"].sub("", text)
    title_match = _TAG_RE["title"].search(text)
    h1_match = _TAG_RE["h1"].search(body)
    if title_match and _text_of(title_match.group(1)):
        fields.setdefault("title", _text_of(title_match.group(1)))
        lines.setdefault("title", line_of(title_match.start()))
    elif h1_match:
        fields.setdefault("title", _text_of(h1_match.group(1)))
        lines.setdefault("title", line_of(h1_match.start()))
    if h1_match and _text_of(h1_match.group(1)) == fields.get("title"):
        body = body[: h1_match.start()] + body[h1_match.end() :]
    clean = sanitize_html(body)
    # Markdown ends an HTML block at a blank line: keep the sanitized HTML one block.
    clean = "\n".join(line for line in clean.split("\n") if line.strip())
    return Parsed(fields, lines, clean + "\n", 1)


PARSERS: dict[str, Callable[..., Parsed]] = {
    MARKDOWN: parse_markdown,
    HTML: parse_html,
    TEXT: parse_text,
}


# ---- checking ---------------------------------------------------------------------------

_ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTERS = re.compile(r"[A-Za-z]")


def translation_key(text: str) -> uuid.UUID:
    """The key a file's ``translation_key`` stands for: a UUID as it is, other text hashed."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.uuid5(KEY_NAMESPACE, text)


def detect_language(text: str) -> str:
    arabic = len(_ARABIC_LETTERS.findall(text))
    latin = len(_LATIN_LETTERS.findall(text))
    return Language.PERSIAN if arabic > latin else Language.ENGLISH


def persian_letters(text: str) -> str:
    """Arabic yeh and kaf written as the Persian letters."""
    return text.replace("ي", "ی").replace("ك", "ک")


def _fold(text: str) -> str:
    """Names compared without case, spacing, or Arabic/Persian letter variants."""
    text = persian_letters(text).replace("\u200c", " ")
    return " ".join(text.casefold().split())


class _Lookup:
    """Kinds and signatories by slug or name, read once per import."""

    def __init__(self) -> None:
        self.kinds: dict[str, Kind] = {}
        for kind in Kind.objects.all():
            for name in (kind.slug, kind.name_fa, kind.name_en, kind.plural_fa, kind.plural_en):
                if name:
                    self.kinds.setdefault(_fold(name), kind)
        self.signatories: dict[str, Signatory] = {}
        for signatory in Signatory.objects.all():
            for name in (signatory.slug, signatory.name_fa, signatory.name_en):
                self.signatories.setdefault(_fold(name), signatory)
        self.kind_slugs = sorted({kind.slug for kind in self.kinds.values()})


_TRUE = {"true", "yes", "1", "on"}
_CALENDARS = {
    "gregorian": "gregorian",
    "jalali": "jalali",
    "shamsi": "jalali",
    "solar hijri": "jalali",
    "persian": "jalali",
}


def check_file(
    path: Path, *, defaults: Defaults, lookup: _Lookup, create_signatories: bool
) -> tuple[Entry | None, list[Problem]]:
    """Read and check one file; the entry, or the problems that keep it from import."""
    name = str(path)
    file_type = FILE_TYPES[path.suffix.lower()]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [
            Problem(
                name,
                f"cannot be read ({exc.strerror or exc})",
                hint="check that the file exists and may be read",
            )
        ]
    try:
        text, encoding = decode(data, path=name)
        parsed = PARSERS[file_type](text, path=name)
    except _Fail as fail:
        return None, [fail.problem]
    except _Many as many:
        return None, many.problems

    problems: list[Problem] = []
    values, lines = parsed.fields, parsed.lines

    def problem(field_name: str, message: str, hint: str = "") -> None:
        problems.append(
            Problem(name, message, line=lines.get(field_name), field=field_name, hint=hint)
        )

    for unknown in sorted(set(values) - set(FIELDS)):
        problem(unknown, "unknown field", hint=f"remove it, or use one of: {', '.join(FIELDS)}")

    def value(field_name: str) -> str:
        return values.get(field_name, "") or str(getattr(defaults, field_name, "") or "")

    title = " ".join(value("title").split())
    if not title:
        hint = {
            MARKDOWN: "add “title: …” to the front matter, or start the text with “# Title”",
            HTML: "add a <title> or an <h1>",
            TEXT: "the first line of a text file is its title",
        }[file_type]
        problems.append(Problem(name, "no title", field="title", hint=hint))
    elif len(title) > 300:
        problem(
            "title", "longer than 300 characters", hint="shorten it; put the rest in the summary"
        )

    raw_language = value("language")
    language_detected = not raw_language
    language = (
        raw_language.split("-")[0].lower()
        if raw_language
        else detect_language(title + " " + parsed.body)
    )
    if language not in Language.values:
        problem("language", f"unknown language “{raw_language}”", hint="use “fa” or “en”")

    kind = None
    raw_kind = value("kind")
    if not raw_kind:
        problems.append(
            Problem(
                name,
                "no kind",
                field="kind",
                hint=f"add “kind: …” (one of: {', '.join(lookup.kind_slugs)}) or pass --kind",
            )
        )
    else:
        kind = lookup.kinds.get(_fold(raw_kind))
        if kind is None:
            problem(
                "kind",
                f"unknown kind “{raw_kind}”",
                hint=f"use one of: {', '.join(lookup.kind_slugs)}; an administrator adds kinds",
            )

    calendar_name = _fold(values.get("calendar", "") or defaults.calendar or "gregorian")
    calendar = _CALENDARS.get(calendar_name)
    if calendar is None:
        problem("calendar", f"unknown calendar “{calendar_name}”", hint="use gregorian or jalali")
    date = None
    raw_date = value("date")
    if not raw_date:
        problems.append(
            Problem(name, "no date", field="date", hint="add “date: YYYY-MM-DD” or pass --date")
        )
    elif calendar is not None:
        try:
            date = calendars.parse_date(raw_date, calendar=calendar)
        except ApplicationError as exc:
            hint = exc.hint
            if calendar == "gregorian" and "Jalali" in exc.message:
                hint = f"{hint}, or add “calendar: jalali” if the date is Jalali"
            elif calendar == "jalali" and "Gregorian" in exc.message:
                hint = f"{hint}, or remove “calendar: jalali” if the date is Gregorian"
            problem("date", exc.message, hint)

    signatory = None
    raw_signatory = value("signatory")
    if raw_signatory:
        signatory = lookup.signatories.get(_fold(raw_signatory))
        if signatory is None and not create_signatories:
            known = ", ".join(sorted({s.slug for s in lookup.signatories.values()})) or "none yet"
            problem(
                "signatory",
                f"unknown signatory “{raw_signatory}”",
                hint=f"known: {known}; add it in the admin, or pass --create-signatories",
            )

    status = value("status").lower() or Status.PUBLISHED
    if status not in Status.values:
        problem(
            "status", f"unknown status “{status}”", hint=f"use one of: {', '.join(Status.values)}"
        )

    source_url = values.get("source_url", "")
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except DjangoValidationError:
            problem("source_url", f"“{source_url}” is not a web address", hint="write http(s)://…")

    legacy_path = values.get("legacy_path", "") or None
    if legacy_path is not None and not legacy_path.startswith("/"):
        problem("legacy_path", f"“{legacy_path}” must start with /", hint="for example /node/10158")

    raw_key = values.get("translation_key", "")
    key = translation_key(raw_key) if raw_key else uuid.uuid4()

    if problems or kind is None or date is None:
        return None, problems
    body, summary = parsed.body, values.get("summary", "")
    if encoding == "cp1256" and language == Language.PERSIAN:
        # Windows-1256 has no Persian yeh and keheh; its files use the Arabic letters.
        title, body, summary = (persian_letters(part) for part in (title, body, summary))
    return (
        Entry(
            path=name,
            file_type=file_type,
            encoding=encoding,
            title=title,
            language=language,
            language_detected=language_detected,
            kind=kind,
            date=date,
            body=body,
            summary=summary,
            signatory=signatory,
            signatory_name=raw_signatory,
            status=status,
            slug=values.get("slug", ""),
            source_url=source_url,
            legacy_path=legacy_path,
            key=key,
            key_given=bool(raw_key),
            original=values.get("original", "").lower() in _TRUE,
        ),
        [],
    )


def _link_versions(
    entries: list[Entry], *, skip_existing: bool
) -> tuple[list[Entry], list[tuple[str, str]], list[Problem]]:
    """Decide each entry's original; drop (or refuse) what the database already has."""
    problems: list[Problem] = []
    skipped: list[tuple[str, str]] = []
    keys = {entry.key for entry in entries}
    existing = {
        (p.translation_key, p.language): p
        for p in Publication.objects.filter(translation_key__in=keys)
    }
    legacy = {entry.legacy_path for entry in entries if entry.legacy_path is not None}
    legacy_taken = dict(
        Publication.objects.filter(legacy_path__in=legacy).values_list("legacy_path", "pk")
    )
    kept: list[Entry] = []
    for entry in entries:
        found = existing.get((entry.key, entry.language))
        taken = legacy_taken.get(entry.legacy_path) if entry.legacy_path else None
        if found is not None or taken is not None:
            number = found.pk if found is not None else taken
            if skip_existing:
                skipped.append((entry.path, f"already imported as publication #{number}"))
                continue
            field_name = "translation_key" if found is not None else "legacy_path"
            problems.append(
                Problem(
                    entry.path,
                    f"already imported as publication #{number}",
                    field=field_name,
                    hint="pass --skip-existing to pass over files already imported",
                )
            )
            continue
        kept.append(entry)

    seen_legacy: dict[str, str] = {}
    groups: dict[uuid.UUID, list[Entry]] = {}
    for entry in kept:
        if entry.legacy_path is not None:
            if entry.legacy_path in seen_legacy:
                problems.append(
                    Problem(
                        entry.path,
                        f"legacy path “{entry.legacy_path}” is also in "
                        f"{seen_legacy[entry.legacy_path]}",
                        field="legacy_path",
                        hint="an old address can lead to one publication only",
                    )
                )
            seen_legacy[entry.legacy_path] = entry.path
        groups.setdefault(entry.key, []).append(entry)

    db_originals = {
        p.translation_key: p
        for p in Publication.objects.filter(translation_key__in=keys, translation_of__isnull=True)
    }
    for key, group in groups.items():
        by_language: dict[str, Entry] = {}
        for entry in group:
            if entry.language in by_language:
                problems.append(
                    Problem(
                        entry.path,
                        f"a second “{entry.language}” version of translation key "
                        f"shared with {by_language[entry.language].path}",
                        field="translation_key",
                        hint="each language version needs its own file; fix the language or key",
                    )
                )
            by_language[entry.language] = entry
        marked = [entry for entry in group if entry.original]
        db_original = db_originals.get(key)
        original: Entry | Publication
        if len(marked) > 1:
            problems.append(
                Problem(
                    marked[1].path,
                    f"marked original, as is {marked[0].path}",
                    field="original",
                    hint="one version of a publication is the original",
                )
            )
            continue
        if marked and db_original is not None:
            problems.append(
                Problem(
                    marked[0].path,
                    f"marked original, but publication #{db_original.pk} is the original",
                    field="original",
                    hint="remove “original: true”",
                )
            )
            continue
        if marked:
            original = marked[0]
        elif db_original is not None:
            original = db_original
        elif Language.PERSIAN in by_language:
            original = by_language[Language.PERSIAN]
        else:
            original = min(group, key=lambda e: (e.date, e.path))
        for entry in group:
            if entry is not original:
                entry.translation_of = original
    return kept, skipped, problems


# ---- saving -----------------------------------------------------------------------------


def _published_at(entry: Entry) -> dt.datetime | None:
    if entry.status != Status.PUBLISHED:
        return None
    return timezone.make_aware(dt.datetime.combine(entry.date, dt.time(12, 0)))


def _signatory(entry: Entry, created: dict[str, Signatory], actor: Actor) -> Signatory | None:
    if entry.signatory is not None or not entry.signatory_name:
        return entry.signatory
    folded = _fold(entry.signatory_name)
    if folded not in created:
        base = slugify(entry.signatory_name) or f"signatory-{uuid.uuid4().hex[:8]}"
        slug, counter = base, 1
        while Signatory.objects.filter(slug=slug).exists():
            counter += 1
            slug = f"{base}-{counter}"
        created[folded] = services.signatory_create(
            actor=actor, slug=slug, name_fa=entry.signatory_name, name_en=entry.signatory_name
        )
    return created[folded]


def _save(entry: Entry, signatories: dict[str, Signatory], actor: Actor) -> Publication:
    common: dict[str, Any] = {
        "language": entry.language,
        "title": entry.title,
        "body": entry.body,
        "summary": entry.summary,
        "kind": entry.kind,
        "date": entry.date,
        "signatory": _signatory(entry, signatories, actor),
        "status": entry.status,
        "published_at": _published_at(entry),
        "slug": entry.slug,
        "source_url": entry.source_url,
        "legacy_path": entry.legacy_path,
    }
    original = entry.translation_of
    if isinstance(original, Entry):
        original = original.publication
    if original is None:
        return services.publication_create(actor=actor, translation_key=entry.key, **common)
    return services.translation_create(actor=actor, original=original, **common)


def publications_import(
    *,
    actor: Actor,
    paths: Sequence[Path | str],
    defaults: Defaults | None = None,
    dry_run: bool = False,
    skip_existing: bool = False,
    create_signatories: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Import every file under `paths`, all or nothing.

    Raises ImportFailed, whose ``problems`` list every problem of every file; a file
    that the actor's role may not import (a published one, for an author) is one of them.
    """
    defaults = defaults or Defaults()
    files, problems = collect_files(paths)
    if not files and not problems:
        raise ImportFailed(
            "no .md, .html or .txt files found", hint="name files or directories that hold them"
        )
    show = progress and len(files) >= PROGRESS_MIN_FILES
    lookup = _Lookup()
    entries: list[Entry] = []
    for path in _progress(files, show, "reading"):
        entry, file_problems = check_file(
            path, defaults=defaults, lookup=lookup, create_signatories=create_signatories
        )
        problems.extend(file_problems)
        if entry is not None:
            entries.append(entry)
    entries, skipped, link_problems = _link_versions(entries, skip_existing=skip_existing)
    problems.extend(link_problems)
    if problems:
        raise _failed(problems)

    # Originals first (oldest first, so numbers follow dates), then their translations.
    ordered = sorted(entries, key=lambda e: (e.translation_of is not None, e.date, e.path))
    signatories: dict[str, Signatory] = {}
    with transaction.atomic():
        for entry in _progress(ordered, show, "saving"):
            try:
                entry.publication = _save(entry, signatories, actor)
            except ApplicationError as exc:
                problems.append(
                    Problem(entry.path, exc.message, field=exc.where or None, hint=exc.hint)
                )
            except DatabaseError as exc:
                problems.append(Problem(entry.path, f"the database refused it: {exc}"))
        if problems:
            raise _failed(problems)
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(created=ordered, skipped=skipped, dry_run=dry_run)


def _failed(problems: list[Problem]) -> ImportFailed:
    files = len({p.path for p in problems})
    return ImportFailed(
        f"{len(problems)} problem(s) in {files} file(s); nothing was imported",
        hint="fix them and run the import again",
        problems=problems,
    )


def _progress(items: list[Any], show: bool, label: str) -> Iterable[Any]:
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="file", file=sys.stderr, leave=False)
