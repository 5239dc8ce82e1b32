"""Sites of the backup tests: a database and a var folder each, driven through `nashr`.

Every site is used by running the real commands in a process of their own with its
DATABASE_URL and NASHR_VAR_DIR, as an operator would on a server.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import translation

from nashr.backups.archive import MANIFEST, ArchiveReader

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Site:
    database_url: str
    var: Path
    # More environment: the backup keys (NASHR_BACKUP_SIGNING_KEY_FILE, …_VERIFY_KEY).
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def media(self) -> Path:
        return self.var / "media"

    def env(self) -> dict[str, str]:
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser fixtures of this test process;
        # `check --deploy` calls it an error.
        inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        return {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": self.database_url,
            "NASHR_VAR_DIR": str(self.var),
            **self.settings,
        }

    def nashr(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `nashr ARGS` on this site; with check, fail showing its output."""
        done = subprocess.run(
            [sys.executable, "-m", "nashr.cli", *args],
            cwd=ROOT, env=self.env(), capture_output=True, text=True, check=False,
        )  # fmt: skip
        if check and done.returncode != 0:
            raise AssertionError(f"nashr {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def python(self, code: str) -> str:
        """Run Python `code` with Django set up for this site; its standard output."""
        script = f"import django\ndjango.setup()\n{code}"
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT, env=self.env(), capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def sqlite_dump(self) -> str:
        """Every row of a SQLite site, to show that a refused restore changed nothing."""
        path = self.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            return "\n".join(connection.iterdump())


def said(message: str, output: str) -> bool:
    """The command's output holds `message` (a msgid), in English or in Persian.

    The command speaks the site's default language (Persian) unless told otherwise, so
    the test looks for the longest fixed piece of the message in either language.
    """
    for language in ("en", "fa"):
        with translation.override(language):
            text = translation.gettext(message)
        longest = max(re.split(r"%\(\w+\)[sd]", text), key=len)
        if longest in output:
            return True
    return False


def restore_refused(site: Site, archive: Path, *options: str) -> str:
    """Run a restore that must fail; its error, after checking that nothing was written."""
    before = site.sqlite_dump()
    done = site.nashr("restore", str(archive), *options, check=False)
    assert done.returncode != 0, done.stdout
    assert site.sqlite_dump() == before
    assert not site.media.exists() or not any(site.media.iterdir())
    return done.stderr


def make_signing_key(path: Path) -> str:
    """Make a signing key at `path` with `nashr backup_keygen`; its public key line."""
    site = Site("sqlite:///:memory:", path.parent / "keygen-var")
    return site.nashr("backup_keygen", str(path)).stdout.strip()


def archive_contents(path: Path, identity: Path | None = None) -> dict[str, Any]:
    """Rows per model (sorted), media checksums and the manifest of an archive."""
    from nashr.backups.archive import load_identities

    identities = load_identities(identity) if identity else None
    chunks: dict[str, list[bytes]] = {}
    media: dict[str, str] = {}
    manifest: dict[str, Any] = {}
    with ArchiveReader(path, identities=identities) as reader:
        for info, stream in reader.members():
            if info.name == MANIFEST:
                manifest = json.loads(stream.read())
            elif info.name.startswith("media/"):
                import hashlib

                media[info.name] = hashlib.sha256(stream.read()).hexdigest()
            else:
                chunks.setdefault(info.name, []).append(stream.read())
    rows: dict[str, list[Any]] = {}
    for label, entry in manifest["models"].items():
        lines = b"".join(b"".join(chunks[name]) for name in entry["members"]).splitlines()
        columns = entry["columns"]
        rows[label] = sorted(
            (dict(zip(columns, json.loads(line), strict=True)) for line in lines),
            key=lambda row: json.dumps(row, sort_keys=True),
        )
    return {"rows": rows, "media": media, "manifest": manifest}
