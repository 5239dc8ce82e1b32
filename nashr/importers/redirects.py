"""Old addresses brought in from a CSV of extra redirects.

The CSV has two columns, ``old_path,new_path`` (a header row with those names is
allowed): a new path sends a 301 there; an empty one, ``410`` or ``gone`` says the old
page was removed on purpose and answers 410. Paths are written down as
``nashr.publications.old_addresses`` keeps them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.db import transaction

from nashr.core.actors import Actor, require
from nashr.core.changes import Topic, announce
from nashr.core.content import is_local_path
from nashr.importers.problems import Problem, import_failed
from nashr.publications.models import OldAddress
from nashr.publications.old_addresses import normalize_path

GONE_WORDS = {"", "410", "gone"}


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
    written: list[int] = []
    for old, new in rows:
        answer = OldAddress.Answer.GONE if new.lower() in GONE_WORDS else OldAddress.Answer.MOVED
        target = "" if answer == OldAddress.Answer.GONE else new
        address, _created = OldAddress.objects.update_or_create(
            path=old, defaults={"answer": answer, "target": target, "publication": None}
        )
        written.append(address.pk)
        counts[answer] += 1
    announce(Topic.OLD_ADDRESSES, written)
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
