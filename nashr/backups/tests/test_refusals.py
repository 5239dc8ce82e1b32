"""A restore refuses what it cannot trust or where it would overwrite, and writes nothing.

The archives changed here carry no signature, as an archive made before backups were
signed: restored with --accept-unsigned, they show the checks that come after the
signature's (test_signatures.py shows that a signed archive changed is refused first).
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest
from pyrage import x25519  # type: ignore[import-untyped]  # pyrage ships no type information

from nashr.backups.archive import AGE_MAGIC, MANIFEST
from nashr.backups.tests.sites import Site, restore_refused, said


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive member by member, `change(name, data)` giving each member's bytes."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            member = old.extractfile(info)
            assert member is not None
            data = change(info.name, member.read())
            if data is None:
                continue
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def test_encrypted_archive_needs_its_key(
    source_site, new_sqlite_site, keys, backups_folder, tmp_path
):
    """An archive encrypted to a public key shows nothing and restores only with its secret key."""
    secret, public = keys
    archive = backups_folder / "encrypted.tar.gz.age"
    source_site.nashr("backup", str(archive), "--encrypt-to", str(public))
    raw = archive.read_bytes()
    assert raw.startswith(AGE_MAGIC)
    assert b"reader1@example.org" not in raw and b"manifest.json" not in raw
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(raw)

    site = new_sqlite_site()
    assert said("The archive is encrypted.", restore_refused(site, archive))
    other = tmp_path / "other.key"
    other.write_text(f"{x25519.Identity.generate()}\n")
    assert said(
        "The archive cannot be decrypted with this key: %(error)s",
        restore_refused(site, archive, "--identity", str(other)),
    )

    site.nashr("restore", str(archive), "--identity", str(secret))
    count = site.python(
        "from nashr.subscribers.models import Subscriber\nprint(Subscriber.objects.count())"
    )
    assert int(count) == 1000


def test_secret_key_is_refused_as_recipient(source_site, keys, backups_folder):
    """Giving the secret key file to --encrypt-to is refused: it must stay off the server."""
    secret, _public = keys
    done = source_site.nashr(
        "backup", str(backups_folder / "never.tar.gz"), "--encrypt-to", str(secret), check=False
    )
    assert done.returncode != 0
    assert said("This file holds a secret key, not a public key.", done.stderr)
    assert not (backups_folder / "never.tar.gz").exists()


def test_truncated_archive_is_refused(source_archive, new_sqlite_site, tmp_path):
    """An archive cut short anywhere is refused before a row is written."""
    raw = source_archive.read_bytes()
    site = new_sqlite_site()
    for keep in (len(raw) // 2, len(raw) - 100):
        cut = tmp_path / f"cut{keep}.tar.gz"
        cut.write_bytes(raw[:keep])
        error = restore_refused(site, cut, "--accept-unsigned")
        assert said("The archive is damaged or cut short (%(where)s: %(error)s).", error)


def test_encrypted_truncated_archive_is_refused(source_site, new_sqlite_site, keys, tmp_path):
    """An encrypted archive cut short is refused too (age finds the missing end)."""
    secret, public = keys
    archive = tmp_path / "whole.age"
    source_site.nashr("backup", str(archive), "--encrypt-to", str(public), "-v", "0")
    cut = tmp_path / "cut.age"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    restore_refused(new_sqlite_site(), cut, "--identity", str(secret), "--accept-unsigned")


def test_tampered_member_is_refused(source_archive, new_sqlite_site, tmp_path):
    """A member changed after the backup (an address replaced) is refused by its checksum."""
    tampered = tmp_path / "tampered.tar.gz"

    def change(name, data):
        if name.startswith("data/subscribers.subscriber/"):
            return data.replace(b"reader7@example.org", b"attacker@example.org")
        return data

    _rewrite(source_archive, tampered, change)
    error = restore_refused(new_sqlite_site(), tampered, "--accept-unsigned")
    assert "data/subscribers.subscriber/000000.jsonl" in error
    assert said(
        "“%(name)s” does not match its checksum in the manifest: it was changed or damaged.", error
    )


def test_missing_manifest_is_refused(source_archive, new_sqlite_site, tmp_path):
    """An archive without its manifest (it comes last) is taken for a cut one."""
    headless = tmp_path / "headless.tar.gz"
    _rewrite(source_archive, headless, lambda name, data: None if name == MANIFEST else data)
    assert said(
        "The archive ends before its manifest: it is cut short or not complete.",
        restore_refused(new_sqlite_site(), headless, "--accept-unsigned"),
    )


def test_archive_from_newer_code_is_refused(source_archive, new_sqlite_site, tmp_path):
    """An archive made after a migration this code does not have is refused."""
    newer = tmp_path / "newer.tar.gz"

    def change(name, data):
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["migrations"]["publications"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    _rewrite(source_archive, newer, change)
    error = restore_refused(new_sqlite_site(), newer, "--accept-unsigned")
    assert "publications.9999_from_the_future" in error
    assert said(
        "The archive was made by a newer Nashr (%(version)s): this code does not know its "
        "migrations %(names)s.",
        error,
    )


def test_restore_into_a_site_with_content_is_refused(source_archive, source_site):
    """A database that holds content is never restored into: nothing of it is replaced."""
    error = _refused_keeping_media(source_site, source_archive)
    assert said("The database is not empty: it holds rows of %(models)s.", error)


def _refused_keeping_media(site: Site, archive: Path) -> str:
    before = site.sqlite_dump()
    done = site.nashr("restore", str(archive), check=False)
    assert done.returncode != 0
    assert site.sqlite_dump() == before
    return done.stderr
