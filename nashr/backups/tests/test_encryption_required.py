"""A backup is encrypted unless asked not to be: no key means no archive, not one in clear."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nashr.backups.archive import AGE_MAGIC
from nashr.backups.tests.sites import ROOT, Site, said

NO_KEY = (
    "No age public key to encrypt the archive to: it would hold every subscriber's address "
    "in clear. Nothing was written."
)
AGE_NAME = "The archive would not be encrypted, but its name ends in .age."


def _unit_command(folder: Path) -> str:
    """The nightly unit's ExecStart, run here: its nashr and its folder of archives."""
    unit = (ROOT / "deploy" / "nashr-backup.service").read_text()
    (line,) = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    return (
        line.removeprefix("ExecStart=")
        .replace("%%", "%")
        .replace("/srv/nashr/.venv/bin/nashr", f"{sys.executable} -m nashr.cli")
        .replace("/var/backups/nashr", str(folder))
    )


def _run_unit(site: Site, folder: Path, recipient: str) -> subprocess.CompletedProcess[str]:
    env = {**site.env(), "NASHR_BACKUP_RECIPIENT": recipient}
    # The unit's own command line, through the shell as systemd gives it to /bin/sh.
    return subprocess.run(  # noqa: S602
        _unit_command(folder), shell=True, cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip


def test_backup_unit_without_recipient_fails_and_writes_nothing(new_sqlite_site, tmp_path):
    """The nightly unit with NASHR_BACKUP_RECIPIENT empty exits non-zero, naming the setting."""
    site = new_sqlite_site()
    done = _run_unit(site, tmp_path, recipient="")
    assert done.returncode != 0
    assert said(NO_KEY, done.stderr)
    assert "NASHR_BACKUP_RECIPIENT" in done.stderr and "age-keygen" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_backup_unit_with_recipient_writes_an_encrypted_signed_archive(
    new_sqlite_site, keys, tmp_path
):
    """The same unit with a recipient writes an age archive under its .age name, and its .sig."""
    _secret, public = keys
    folder = tmp_path / "backups"
    folder.mkdir()
    done = _run_unit(new_sqlite_site(), folder, recipient=public.read_text().strip())
    assert done.returncode == 0, done.stderr
    (archive,) = folder.glob("nashr-*.nashr.age")
    assert archive.read_bytes().startswith(AGE_MAGIC)
    assert Path(f"{archive}.sig").is_file()


def test_backup_in_clear_only_when_asked_and_never_named_age(new_sqlite_site, tmp_path):
    """`--unencrypted` writes a gzip archive; under a .age name, or with a key, it is refused."""
    site = new_sqlite_site()
    refused = site.nashr("backup", str(tmp_path / "plain.tar.gz"), check=False)
    assert refused.returncode != 0 and said(NO_KEY, refused.stderr)
    named = site.nashr("backup", str(tmp_path / "plain.nashr.age"), "--unencrypted", check=False)
    assert named.returncode != 0 and said(AGE_NAME, named.stderr)
    assert list(tmp_path.iterdir()) == []

    site.nashr("backup", str(tmp_path / "plain.tar.gz"), "--unencrypted")
    assert (tmp_path / "plain.tar.gz").read_bytes().startswith(b"\x1f\x8b")
    assert (tmp_path / "plain.tar.gz.sig").is_file()
