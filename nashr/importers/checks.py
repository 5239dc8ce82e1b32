"""Each field of a file checked on its own: the value to save, or a Problem at its line.

A file's problems are all gathered, so that one run lists everything to fix; a file
with any problem gives no entry.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator

from nashr.core import calendars, spelling
from nashr.core.exceptions import ApplicationError
from nashr.core.languages import codes, script_language, writes_letter
from nashr.importers.entries import Defaults, Entry
from nashr.importers.files import FILE_TYPES, HTML, MARKDOWN, TEXT, read_text
from nashr.importers.formats import FIELDS, PARSERS, Parsed
from nashr.importers.problems import Problem, Refused
from nashr.importers.translation_groups import translation_key
from nashr.publications.models import Kind, Signatory, Status

_ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_LETTERS = re.compile(r"[A-Za-z]")
_TRUE = {"true", "yes", "1", "on"}
_CALENDARS = {
    "gregorian": "gregorian",
    "jalali": "jalali",
    "shamsi": "jalali",
    "solar hijri": "jalali",
    "persian": "jalali",
}
_NO_TITLE_HINTS = {
    MARKDOWN: "add “title: …” to the front matter, or start the text with “# Title”",
    HTML: "add a <title> or an <h1>",
    TEXT: "the first line of a text file is its title",
}


def detect_language(text: str) -> str:
    arabic = len(_ARABIC_LETTERS.findall(text))
    latin = len(_LATIN_LETTERS.findall(text))
    return script_language(rtl=arabic > latin)


def persian_letters(text: str) -> str:
    """Arabic yeh and kaf written as the Persian letters."""
    return text.replace("ي", "ی").replace("ك", "ک")


def fold(text: str) -> str:
    """A name as names are compared: in the one spelling of every search
    (core.spelling.fold), a half-space counted as a space, spaces collapsed."""
    return " ".join(spelling.fold(text).replace(spelling.ZWNJ, " ").split())


class Lookup:
    """Kinds and signatories by slug or name, read once per import."""

    def __init__(self) -> None:
        self.kinds: dict[str, Kind] = {}
        for kind in Kind.objects.all():
            for name in (kind.slug, *kind.names.values(), *kind.plurals.values()):
                if name:
                    self.kinds.setdefault(fold(name), kind)
        self.signatories: dict[str, Signatory] = {}
        for signatory in Signatory.objects.all():
            for name in (signatory.slug, *signatory.names.values()):
                self.signatories.setdefault(fold(name), signatory)
        self.kind_slugs = sorted({kind.slug for kind in self.kinds.values()})


def check_file(
    path: Path, *, defaults: Defaults, lookup: Lookup, create_signatories: bool
) -> tuple[Entry | None, list[Problem]]:
    """Read and check one file; the entry, or the problems that keep it from import."""
    name = str(path)
    file_type = FILE_TYPES[path.suffix.lower()]
    try:
        text, encoding = read_text(path)
        parsed = PARSERS[file_type](text, path=name)
    except Refused as refused:
        return None, refused.problems
    check = _FileCheck(name, file_type, parsed, defaults)
    entry = check.entry(encoding=encoding, lookup=lookup, create_signatories=create_signatories)
    return entry, check.problems


class _FileCheck:
    """One file's fields, checked one by one; what is wrong is gathered in ``problems``.

    A field's value is the file's, else the option's (``Defaults``); summary, slug,
    source_url, legacy_path, translation_key and original have no option.
    """

    def __init__(self, name: str, file_type: str, parsed: Parsed, defaults: Defaults) -> None:
        self.name = name
        self.file_type = file_type
        self.parsed = parsed
        self.defaults = defaults
        self.problems: list[Problem] = []

    def given(self, field_name: str) -> str:
        """What the file says, without the options."""
        return self.parsed.fields.get(field_name, "")

    def value(self, field_name: str) -> str:
        return self.given(field_name) or str(getattr(self.defaults, field_name, "") or "")

    def wrong(self, field_name: str, message: str, hint: str = "") -> None:
        """A value that cannot be used, reported at the line that gives it."""
        line = self.parsed.lines.get(field_name)
        self.problems.append(Problem(self.name, message, line=line, field=field_name, hint=hint))

    def missing(self, field_name: str, hint: str) -> None:
        """A field that neither the file nor the options give."""
        self.problems.append(Problem(self.name, f"no {field_name}", field=field_name, hint=hint))

    def entry(self, *, encoding: str, lookup: Lookup, create_signatories: bool) -> Entry | None:
        """The file as an entry to save; None if any check found a problem."""
        for unknown in sorted(set(self.parsed.fields) - set(FIELDS)):
            self.wrong(unknown, "unknown field", f"remove it, or use one of: {', '.join(FIELDS)}")
        title = self.title()
        language, language_detected = self.language(title)
        kind = self.kind(lookup)
        date = self.date(self.calendar())
        signatory = self.signatory(lookup, create_signatories=create_signatories)
        status = self.status()
        source_url = self.source_url()
        legacy_path = self.legacy_path()
        if self.problems or kind is None or date is None:
            return None
        body, summary = self.parsed.body, self.given("summary")
        raw_key = self.given("translation_key")
        if encoding == "cp1256" and writes_letter(language, "ی"):
            # Windows-1256 has no Persian yeh and keheh; its files use the Arabic letters.
            title, body, summary = (persian_letters(part) for part in (title, body, summary))
        return Entry(
            path=self.name,
            file_type=self.file_type,
            encoding=encoding,
            title=title,
            language=language,
            language_detected=language_detected,
            kind=kind,
            date=date,
            body=body,
            summary=summary,
            signatory=signatory,
            signatory_name=self.value("signatory"),
            status=status,
            slug=self.given("slug"),
            source_url=source_url,
            legacy_path=legacy_path,
            key=translation_key(raw_key) if raw_key else uuid.uuid4(),
            key_given=bool(raw_key),
            original=self.given("original").lower() in _TRUE,
        )

    def title(self) -> str:
        title = " ".join(self.value("title").split())
        if not title:
            self.missing("title", _NO_TITLE_HINTS[self.file_type])
        elif len(title) > 300:
            self.wrong(
                "title", "longer than 300 characters", "shorten it; put the rest in the summary"
            )
        return title

    def language(self, title: str) -> tuple[str, bool]:
        """The language, and whether the text's script decided it (nothing said it)."""
        raw = self.value("language")
        if not raw:
            return detect_language(title + " " + self.parsed.body), True
        language = raw.split("-")[0].lower()
        if language not in codes():
            self.wrong(
                "language",
                f"unknown language “{raw}”",
                "use one of: " + ", ".join(f"“{code}”" for code in codes()),
            )
        return language, False

    def kind(self, lookup: Lookup) -> Kind | None:
        raw = self.value("kind")
        if not raw:
            known = ", ".join(lookup.kind_slugs)
            self.missing("kind", f"add “kind: …” (one of: {known}) or pass --kind")
            return None
        kind = lookup.kinds.get(fold(raw))
        if kind is None:
            self.wrong(
                "kind",
                f"unknown kind “{raw}”",
                f"use one of: {', '.join(lookup.kind_slugs)}; an administrator adds kinds",
            )
        return kind

    def calendar(self) -> str | None:
        name = fold(self.given("calendar") or self.defaults.calendar or "gregorian")
        calendar = _CALENDARS.get(name)
        if calendar is None:
            self.wrong("calendar", f"unknown calendar “{name}”", "use gregorian or jalali")
        return calendar

    def date(self, calendar: str | None) -> dt.date | None:
        """The date read in its calendar (``calendars.parse_date`` refuses the other's years)."""
        raw = self.value("date")
        if not raw:
            self.missing("date", "add “date: YYYY-MM-DD” or pass --date")
            return None
        if calendar is None:
            return None
        try:
            return calendars.parse_date(raw, calendar=calendar)
        except ApplicationError as exc:
            hint = exc.hint
            if calendar == "gregorian" and "Jalali" in exc.message:
                hint = f"{hint}, or add “calendar: jalali” if the date is Jalali"
            elif calendar == "jalali" and "Gregorian" in exc.message:
                hint = f"{hint}, or remove “calendar: jalali” if the date is Gregorian"
            self.wrong("date", exc.message, hint)
            return None

    def signatory(self, lookup: Lookup, *, create_signatories: bool) -> Signatory | None:
        """The signatory named, if known; an unknown one is created on saving when asked."""
        raw = self.value("signatory")
        if not raw:
            return None
        signatory = lookup.signatories.get(fold(raw))
        if signatory is None and not create_signatories:
            known = ", ".join(sorted({s.slug for s in lookup.signatories.values()})) or "none yet"
            self.wrong(
                "signatory",
                f"unknown signatory “{raw}”",
                f"known: {known}; add it in the admin, or pass --create-signatories",
            )
        return signatory

    def status(self) -> str:
        status = self.value("status").lower() or Status.PUBLISHED
        if status not in Status.values:
            self.wrong(
                "status", f"unknown status “{status}”", f"use one of: {', '.join(Status.values)}"
            )
        return status

    def source_url(self) -> str:
        source_url = self.given("source_url")
        if source_url:
            try:
                URLValidator(schemes=["http", "https"])(source_url)
            except DjangoValidationError:
                self.wrong(
                    "source_url", f"“{source_url}” is not a web address", "write http(s)://…"
                )
        return source_url

    def legacy_path(self) -> str | None:
        legacy_path = self.given("legacy_path") or None
        if legacy_path is not None and not legacy_path.startswith("/"):
            self.wrong(
                "legacy_path", f"“{legacy_path}” must start with /", "for example /node/10158"
            )
        return legacy_path
