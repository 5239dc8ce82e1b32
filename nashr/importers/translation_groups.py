"""Versions of one publication: files sharing a translation key, linked to their original.

The original is the version marked ``original: true``, else the version already in the
database, else the Persian version, else the earliest. A version (key and language) or
a legacy path already in the database is refused, or skipped when asked.
"""

from __future__ import annotations

import uuid

from nashr.core.languages import default_language
from nashr.importers.entries import Entry
from nashr.importers.problems import Problem
from nashr.publications.models import Publication

# Keys derived from a textual translation_key live in this namespace, so the same text
# gives the same key on every run and every machine.
KEY_NAMESPACE = uuid.UUID("0f6e6c1a-4b1e-4c59-9a55-2f7a8a7d3e21")


def translation_key(text: str) -> uuid.UUID:
    """The key a file's ``translation_key`` stands for: a UUID as it is, other text hashed."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.uuid5(KEY_NAMESPACE, text)


def link_versions(
    entries: list[Entry], *, skip_existing: bool
) -> tuple[list[Entry], list[tuple[str, str]], list[Problem]]:
    """Decide each entry's original; drop (or refuse) what the database already has."""
    kept, skipped, problems = _new_only(entries, skip_existing=skip_existing)
    problems.extend(_shared_legacy_paths(kept))
    groups: dict[uuid.UUID, list[Entry]] = {}
    for entry in kept:
        groups.setdefault(entry.key, []).append(entry)
    db_originals = {
        p.translation_key: p
        for p in Publication.objects.filter(
            translation_key__in={entry.key for entry in entries}, translation_of__isnull=True
        )
    }
    for key, group in groups.items():
        problems.extend(_link_group(group, db_originals.get(key)))
    return kept, skipped, problems


def _new_only(
    entries: list[Entry], *, skip_existing: bool
) -> tuple[list[Entry], list[tuple[str, str]], list[Problem]]:
    """The entries not in the database yet; the others skipped, or refused."""
    problems: list[Problem] = []
    skipped: list[tuple[str, str]] = []
    existing = {
        (p.translation_key, p.language): p
        for p in Publication.objects.filter(translation_key__in={entry.key for entry in entries})
    }
    legacy = {entry.legacy_path for entry in entries if entry.legacy_path is not None}
    legacy_taken = dict(
        Publication.objects.filter(legacy_path__in=legacy).values_list("legacy_path", "pk")
    )
    kept: list[Entry] = []
    for entry in entries:
        found = existing.get((entry.key, entry.language))
        taken = legacy_taken.get(entry.legacy_path) if entry.legacy_path else None
        if found is None and taken is None:
            kept.append(entry)
            continue
        number = found.pk if found is not None else taken
        if skip_existing:
            skipped.append((entry.path, f"already imported as publication #{number}"))
            continue
        problems.append(
            Problem(
                entry.path,
                f"already imported as publication #{number}",
                field="translation_key" if found is not None else "legacy_path",
                hint="pass --skip-existing to pass over files already imported",
            )
        )
    return kept, skipped, problems


def _shared_legacy_paths(entries: list[Entry]) -> list[Problem]:
    """An old address named by two files: it can lead to one of them only."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.legacy_path is None:
            continue
        if entry.legacy_path in seen:
            problems.append(
                Problem(
                    entry.path,
                    f"legacy path “{entry.legacy_path}” is also in {seen[entry.legacy_path]}",
                    field="legacy_path",
                    hint="an old address can lead to one publication only",
                )
            )
        seen[entry.legacy_path] = entry.path
    return problems


def _link_group(group: list[Entry], db_original: Publication | None) -> list[Problem]:
    """Link the versions of one key to their original; the problems that prevent it."""
    by_language, problems = _one_per_language(group)
    marked = [entry for entry in group if entry.original]
    if len(marked) > 1:
        return [
            *problems,
            Problem(
                marked[1].path,
                f"marked original, as is {marked[0].path}",
                field="original",
                hint="one version of a publication is the original",
            ),
        ]
    if marked and db_original is not None:
        return [
            *problems,
            Problem(
                marked[0].path,
                f"marked original, but publication #{db_original.pk} is the original",
                field="original",
                hint="remove “original: true”",
            ),
        ]
    original: Entry | Publication
    if marked:
        original = marked[0]
    elif db_original is not None:
        original = db_original
    elif default_language() in by_language:
        original = by_language[default_language()]
    else:
        original = min(group, key=lambda e: (e.date, e.path))
    for entry in group:
        if entry is not original:
            entry.translation_of = original
    return problems


def _one_per_language(group: list[Entry]) -> tuple[dict[str, Entry], list[Problem]]:
    """The versions by language; a second version in one language is a problem."""
    by_language: dict[str, Entry] = {}
    problems: list[Problem] = []
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
    return by_language, problems
