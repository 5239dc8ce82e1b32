"""Old addresses: how they are written down, looked up, and brought in from a CSV.

An address is kept decoded (``/بیانیه`` rather than ``/%D8%A8…``, as Django gives
``request.path``) and without its trailing slash, so ``/about``, ``/about/`` and the
percent-encoded form all find one row. WordPress's query addresses keep their one
meaningful parameter: ``/?p=7``, ``/?page_id=9``.

The CSV of extra redirects has two columns, ``old_path,new_path`` (a header row with
those names is allowed): a new path sends a 301 there; an empty one, ``410`` or
``gone`` says the old page was removed on purpose and answers 410.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.db import transaction

from nashr.core.actors import Actor, require
from nashr.core.content import is_local_path
from nashr.core.pagecache import public_pages_changed
from nashr.publications.importer.problems import Problem, import_failed
from nashr.publications.models import OldAddress, Publication, Status

# The query parameters by which WordPress finds a post or a page without its permalink.
QUERY_KEYS = ("p", "page_id")
GONE_WORDS = {"", "410", "gone"}


def normalize_path(address: str) -> str:
    """The stored form of an old address: a full URL, an encoded path or a decoded one."""
    parts = urlsplit(address.strip())
    path = unquote(parts.path or "/")
    if not path.startswith("/"):
        path = "/" + path
    path = path.rstrip("/") or "/"
    query = dict(
        pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair and pair[0] != "="
    )
    for key in QUERY_KEYS:
        if query.get(key, "").isdigit():
            return f"{path}?{key}={query[key]}"
    return path


def query_address(path: str, query: Mapping[str, str]) -> str | None:
    """The stored form of a request's WordPress query address (``/?p=7``), if it has one."""
    for key in QUERY_KEYS:
        value = query.get(key, "")
        if value.isdigit():
            return f"{path.rstrip('/') or '/'}?{key}={value}"
    return None


@dataclass(frozen=True)
class OldAnswer:
    """What an old address answers: a 301 to ``location``, a 410, or a 404."""

    status: int
    location: str = ""


def old_address_answer(path: str) -> OldAnswer | None:
    """The answer for an address this site does not know itself, or None if it is not old.

    A redirect to a publication that is not published (yet, or any more) is a 404: the
    address is known, but there is nothing to show.
    """
    if "\x00" in path:  # PostgreSQL's text cannot hold a NUL, so no stored path has one.
        return None
    stored = normalize_path(path) if "?" in path else (path.rstrip("/") or "/")
    row = (
        OldAddress.objects.filter(path=stored)
        .select_related("publication")
        .only(
            "answer",
            "target",
            "publication__id",
            "publication__slug",
            "publication__status",
            "publication__language",
        )
        .first()
    )
    if row is not None:
        if row.answer == OldAddress.Answer.GONE:
            return OldAnswer(410)
        if row.publication is None:
            return OldAnswer(301, row.target)
        if row.publication.status == Status.PUBLISHED:
            return OldAnswer(301, row.publication.get_absolute_url())
        return OldAnswer(404)
    publication = (
        Publication.objects.filter(legacy_path=path, status=Status.PUBLISHED)
        .only("pk", "slug", "language")
        .first()
    )
    if publication is not None:
        return OldAnswer(301, publication.get_absolute_url())
    return None


@transaction.atomic
def redirects_import(*, actor: Actor, path: Path, dry_run: bool = False) -> dict[str, int]:
    """Old addresses from a CSV (``old_path,new_path``), all or nothing; counts by answer.

    An old path already stored is changed to the CSV's answer (the CSV is the later word).
    """
    require(actor, "publications.add_oldaddress", action="import old addresses")
    rows, problems = _read_csv(path)
    if problems:
        raise import_failed(problems)
    counts = {"moved": 0, "gone": 0}
    for old, new in rows:
        answer = OldAddress.Answer.GONE if new.lower() in GONE_WORDS else OldAddress.Answer.MOVED
        target = "" if answer == OldAddress.Answer.GONE else new
        OldAddress.objects.update_or_create(
            path=old, defaults={"answer": answer, "target": target, "publication": None}
        )
        counts[answer] += 1
    public_pages_changed()
    if dry_run:
        transaction.set_rollback(True)
    return counts


def _read_csv(path: Path) -> tuple[list[tuple[str, str]], list[Problem]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(name, f"cannot be read: {exc}", hint="give a UTF-8 CSV file")]
    rows: list[tuple[str, str]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in record]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if line == 1 and cells[0].lower() in {"old_path", "old"}:
            continue
        if len(cells) > 2 or not cells[0]:
            problems.append(
                Problem(name, "expected two columns", line=line, hint="write old_path,new_path")
            )
            continue
        old = normalize_path(cells[0])
        new = cells[1] if len(cells) == 2 else ""
        if new.lower() not in GONE_WORDS and not is_local_path(new):
            problems.append(
                Problem(
                    name,
                    f"“{new}” is not a path on this site",
                    line=line,
                    field="new_path",
                    hint="write a path starting with /, or 410 for a removed page",
                )
            )
            continue
        if old in seen:
            problems.append(
                Problem(
                    name,
                    f"“{old}” is also on line {seen[old]}",
                    line=line,
                    field="old_path",
                    hint="an old address can answer one way only",
                )
            )
            continue
        seen[old] = line
        rows.append((old, new))
    return rows, problems
