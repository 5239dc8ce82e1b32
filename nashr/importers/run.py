"""One import of publications from files: Markdown with front matter, HTML, plain text.

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
  unless ``calendar: jalali``. A year the calendar cannot plausibly have is refused
  (``nashr.core.calendars.parse_date``); one of the other calendar as a calendar mix-up.
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

The work is done in steps, one module each: ``files`` (finding and reading files),
``formats`` (a file's raw fields), ``checks`` (each field checked), ``translation_groups``
(linking translations), ``saving`` (the transaction) and this one (one import: collect
the files, check each, link the versions, save all or nothing).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from nashr.core.actors import Actor
from nashr.core.exceptions import ImportFailed
from nashr.importers.checks import Lookup, check_file
from nashr.importers.entries import Defaults, Entry
from nashr.importers.files import collect_files
from nashr.importers.problems import import_failed
from nashr.importers.saving import entries_save, save_order
from nashr.importers.translation_groups import link_versions

# A progress bar is drawn only for a run long enough to wait for.
PROGRESS_MIN_FILES = 20

T = TypeVar("T")


@dataclass
class ImportReport:
    created: list[Entry]
    skipped: list[tuple[str, str]]
    dry_run: bool


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
    lookup = Lookup()
    entries: list[Entry] = []
    for path in _progress(files, show, "reading"):
        entry, file_problems = check_file(
            path, defaults=defaults, lookup=lookup, create_signatories=create_signatories
        )
        problems.extend(file_problems)
        if entry is not None:
            entries.append(entry)
    entries, skipped, link_problems = link_versions(entries, skip_existing=skip_existing)
    problems.extend(link_problems)
    if problems:
        raise import_failed(problems)
    ordered = save_order(entries)
    entries_save(_progress(ordered, show, "saving"), actor=actor, dry_run=dry_run)
    return ImportReport(created=ordered, skipped=skipped, dry_run=dry_run)


def _progress(items: list[T], show: bool, label: str) -> Iterable[T]:
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="file", file=sys.stderr, leave=False)
