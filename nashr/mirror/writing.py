"""Writing the mirror: OUTDIR file by file, and the build's state beside it.

Crash safety. Each file is written to ``.nashr-mirror/tmp`` and renamed into place, so
no reader (nor rsync) ever sees half a file. A build holds ``.nashr-mirror/lock`` and
marks itself in progress (``.nashr-mirror/in-progress``) until its manifest is written;
the manifest (``.nashr-mirror/manifest.json``) keeps each file's hash and group, and the
fingerprints the next build compares (``planning``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nashr.core.exceptions import ApplicationError

STATE_DIR = ".nashr-mirror"
MANIFEST = "manifest.json"
IN_PROGRESS = "in-progress"
LOCK = "lock"
FORMAT = 1
# The longest file name file systems take (bytes), and a bound for a path inside OUTDIR.
MAX_NAME = 255
MAX_PATH = 1024


class MirrorError(ApplicationError):
    """A mirror build or push that cannot go on (see the message for what to do)."""


@dataclass
class Summary:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    full: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": len(self.written),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "full": self.full,
            "problems": self.problems,
            "seconds": round(self.seconds, 3),
        }


def safe_name(name: str) -> bool:
    """Whether `name` is one file or folder name on every host the mirror is copied to:
    not empty, "." or "..", no slash or backslash, no NUL or other control character, and
    not longer than file systems take."""
    return (
        name not in {"", ".", ".."}
        and not any(char in "/\\" or ord(char) < 32 or ord(char) == 127 for char in name)
        and len(name.encode("utf-8", "surrogatepass")) <= MAX_NAME
    )


def safe_rel(rel: str) -> bool:
    """Whether `rel` is a path inside OUTDIR made of safe names (see ``safe_name``)."""
    return len(rel.encode("utf-8", "surrogatepass")) <= MAX_PATH and all(
        safe_name(name) for name in rel.split("/")
    )


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Outdir:
    """OUTDIR, written file by file with a rename, and what the last build left there."""

    def __init__(self, root: Path, *, trusted: dict[str, str]) -> None:
        self.root = root
        self.state = root / STATE_DIR
        self.tmp = self.state / "tmp"
        # Hashes known to match the files on disk; others are compared with the disk.
        self.trusted = trusted
        # Folders made (or found) by this build: tens of thousands of files share a few.
        self.folders: set[Path] = set()

    def write(self, rel: str, data: bytes, summary: Summary) -> str:
        if not safe_rel(rel):
            # ``addresses.file_for`` gives no such path: a file outside OUTDIR is never written.
            raise MirrorError(
                f"refusing to write {rel!r}: not a safe path inside {self.root}",
                where=rel,
                hint="report this as a bug of the mirror",
            )
        digest = file_digest(data)
        target = self.root / rel
        if self.trusted.get(rel) == digest and target.is_file():
            summary.unchanged += 1
            return digest
        if rel not in self.trusted and target.is_file() and target.read_bytes() == data:
            summary.unchanged += 1
            return digest
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        temporary = self.tmp / uuid.uuid4().hex
        temporary.write_bytes(data)
        os.replace(temporary, target)
        summary.written.append(rel)
        return digest

    def remove(self, rel: str, summary: Summary) -> None:
        if not safe_rel(rel):
            return  # never a file of the mirror: nothing outside OUTDIR is removed
        target = self.root / rel
        if target.is_file():
            target.unlink()
            summary.removed.append(rel)
        # Empty folders go with their last file.
        parent = target.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            self.folders.discard(parent)
            parent = parent.parent

    def files_on_disk(self) -> Iterator[str]:
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root and STATE_DIR in dirnames:
                dirnames.remove(STATE_DIR)
            for name in filenames:
                yield Path(dirpath, name).relative_to(self.root).as_posix()


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / STATE_DIR / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return manifest if manifest.get("format") == FORMAT else {}


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    write_state_file(root, MANIFEST, json.dumps({"format": FORMAT, **manifest}).encode("utf-8"))


def read_state_file(root: Path, name: str) -> bytes | None:
    path = root / STATE_DIR / name
    return path.read_bytes() if path.is_file() else None


def write_state_file(root: Path, name: str, data: bytes) -> None:
    state = root / STATE_DIR
    temporary = state / "tmp" / uuid.uuid4().hex
    temporary.write_bytes(data)
    os.replace(temporary, state / name)


@contextmanager
def locked_state(root: Path) -> Iterator[Path]:
    """OUTDIR's state folder, held by this build alone (MirrorError if another holds it)."""
    root.mkdir(parents=True, exist_ok=True)
    state = root / STATE_DIR
    state.mkdir(exist_ok=True)
    with (state / LOCK).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise MirrorError(
                f"another build is writing {root}",
                where=str(state / LOCK),
                hint="wait for it to finish, then run the build again",
            ) from exc
        yield state


def begin_writing(state: Path) -> bool:
    """Clear what a killed build left half-written; whether one was killed (its mark)."""
    # Half-written files never reached OUTDIR itself.
    shutil.rmtree(state / "tmp", ignore_errors=True)
    (state / "tmp").mkdir()
    return (state / IN_PROGRESS).exists()


def mark_in_progress(state: Path) -> None:
    (state / IN_PROGRESS).write_text(str(os.getpid()))


def mark_done(state: Path) -> None:
    (state / IN_PROGRESS).unlink()
