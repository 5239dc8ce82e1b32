"""Reading mail that the mail server delivers to Nashr: one message on standard input (a
pipe in the server's aliases) or every message of a Maildir (cron).

Bounce reports (`nashr bounces ingest`) and mail to the list address (`nashr subscribers
mail-ingest`) are read the same way. A message is read up to a byte limit only, so one
larger than it is told apart without reading it all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from nashr.core.exceptions import ImportFailed


def maildir_check(path: Path) -> None:
    """Refuse a path that is not a Maildir, saying what to give instead."""
    if not (path / "cur").is_dir() or not (path / "new").is_dir():
        raise ImportFailed(
            "not a Maildir (it has no cur/ and new/ folders)",
            where=str(path),
            hint="give a Maildir path, or pipe one message on standard input",
        )


def maildir_entries(
    path: Path, *, folders: tuple[str, ...] = ("new", "cur")
) -> Iterator[tuple[str, Path]]:
    """The messages of a Maildir's `folders`, in name order, each with its name."""
    for folder in folders:
        for entry in sorted((path / folder).iterdir()):
            if entry.is_file() and not entry.name.startswith("."):
                yield f"{folder}/{entry.name}", entry


def read_limited(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a file: one more than allowed tells it is too large."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)


def maildir_claim(entry: Path) -> Path | None:
    """Move a message of new/ into cur/, flagged seen (the Maildir convention, ":2,S"),
    before it is read: the next reading of new/ skips it, and of two readers at once (an
    overlapping cron run) only the one whose rename succeeded reads it. Its new path, or
    None when another reader took it first."""
    name = entry.name.partition(":")[0]
    claimed = entry.parent.parent / "cur" / f"{name}:2,S"
    try:
        os.replace(entry, claimed)
    except FileNotFoundError:
        return None
    return claimed
