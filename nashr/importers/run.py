"""One import run: collect the files, check each, link the versions, save all or nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from nashr.core.actors import Actor
from nashr.core.exceptions import ImportFailed
from nashr.publications.importer.checks import Lookup, check_file
from nashr.publications.importer.entries import Defaults, Entry
from nashr.publications.importer.files import collect_files
from nashr.publications.importer.problems import import_failed
from nashr.publications.importer.saving import entries_save, save_order
from nashr.publications.importer.versions import link_versions

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
