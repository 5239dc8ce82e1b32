"""Backups are signed by the server's key; a restore checks the signature before it reads.

A forger here is another site: its own signing key, the victim's age public key (which
is no secret), and an administrator of its choosing inside.
"""

from __future__ import annotations

import fnmatch
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from nashr.backups.archive import ArchiveDamaged, ArchiveReader
from nashr.backups.signing import file_digest
from nashr.backups.tests.sites import Site, make_signing_key, restore_refused, said

ROOT = Path(__file__).resolve().parents[3]
DEPLOY_GUIDE = ROOT / "docs" / "deploy.md"
NO_SIGNATURE = "The archive has no signature: %(file)s does not exist."
OTHER_KEY = (
    "The archive is signed by the key %(signer)s, which %(setting)s does not name "
    "(it names %(trusted)s)."
)
NO_MATCH = (
    "The signature does not match the archive: the archive was changed after it was signed, "
    "or the signature is another archive's."
)
UNVERIFIED_WARNING = (
    "Warning: the archive's origin was not checked (%(reason)s); it was restored because of "
    "--accept-unsigned. Anyone who could write to where it was kept could have made it: check "
    "the site's staff accounts and content before opening it."
)


def _fingerprint(public_key: str, folder: Path) -> str:
    """The key's fingerprint as ssh-keygen prints it."""
    (folder / "fingerprint.pub").write_text(public_key + "\n")
    done = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(folder / "fingerprint.pub")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.split()[1]


def _subscribers(site: Site) -> int:
    return int(
        site.python(
            "from nashr.subscribers.models import Subscriber\nprint(Subscriber.objects.count())"
        )
    )


def _copy(archive: Path, target: Path, *, signature: bool = True) -> Path:
    shutil.copyfile(archive, target)
    if signature:
        shutil.copyfile(f"{archive}.sig", f"{target}.sig")
    return target


@pytest.fixture
def forger(new_sqlite_site, tmp_path) -> Site:
    """Another site, with a signing key of its own and an administrator named intruder."""
    site = new_sqlite_site()
    site.settings["NASHR_BACKUP_SIGNING_KEY_FILE"] = str(tmp_path / "forger.key")
    site.settings["FORGER_PUBLIC_KEY"] = make_signing_key(tmp_path / "forger.key")
    site.python(
        "from django.contrib.auth.models import User\n"
        "User.objects.create_superuser('intruder', 'intruder@example.net', 'chosen by them 42')"
    )
    return site


def test_backup_keygen_makes_a_private_key_and_prints_its_public_key(tmp_path):
    """`nashr backup_keygen` writes a new key readable by its owner only, never over a file."""
    key = tmp_path / "backup-signing.key"
    public = make_signing_key(key)
    assert public.startswith("ssh-ed25519 AAAA") and public.count(" ") == 2
    assert key.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    site = Site("sqlite:///:memory:", tmp_path / "var")
    assert site.nashr("backup_keygen", "--public", str(key)).stdout.strip() == public
    before = key.read_bytes()
    again = site.nashr("backup_keygen", str(key), check=False)
    assert again.returncode != 0 and said("The file exists already.", again.stderr)
    assert key.read_bytes() == before
    # ssh-keygen reads the key and finds the same public key: the format is OpenSSH's.
    derived = subprocess.run(
        ["ssh-keygen", "-y", "-f", str(key)], capture_output=True, text=True, check=True
    )
    assert derived.stdout.split()[:2] == public.split()[:2]


def test_signed_archive_round_trip(source_archive, new_sqlite_site, site_keys, backups_folder):
    """The server's archive carries its signature, which the restore checks and names."""
    signature = Path(f"{source_archive}.sig")
    assert signature.read_text().startswith("-----BEGIN SSH SIGNATURE-----")
    site = new_sqlite_site()
    done = site.nashr("restore", str(source_archive))
    fingerprint = _fingerprint(site_keys["NASHR_BACKUP_VERIFY_KEY"], backups_folder)
    assert fingerprint in done.stdout
    assert _subscribers(site) == 1000


def test_forged_archive_is_refused_before_it_is_read(
    forger, new_sqlite_site, keys, backups_folder, tmp_path
):
    """An archive another site signed, encrypted to our age key, is refused before decryption."""
    secret, public = keys
    forged = tmp_path / "nashr-20260101-031500.nashr.age"
    forger.nashr("backup", str(forged), "--encrypt-to", str(public))
    site = new_sqlite_site()
    error = restore_refused(site, forged, "--identity", str(secret))
    assert said(OTHER_KEY, error)
    assert _fingerprint(forger.settings["FORGER_PUBLIC_KEY"], tmp_path) in error
    # Refused by the signature, not later: without the age key (nothing decrypted), with
    # --accept-unsigned (a wrong signature is never accepted), or holding no archive at all.
    assert said(OTHER_KEY, restore_refused(site, forged))
    assert said(OTHER_KEY, restore_refused(site, forged, "--accept-unsigned"))
    forged.write_bytes(b"not an archive at all")
    assert said(OTHER_KEY, restore_refused(site, forged, "--identity", str(secret)))


def test_archive_changed_after_signing_is_refused(source_archive, new_sqlite_site, tmp_path):
    """A signed archive with a byte changed, cut short, or under another's signature is refused."""
    site = new_sqlite_site()
    changed = _copy(source_archive, tmp_path / "changed.tar.gz")
    data = bytearray(changed.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    assert said(NO_MATCH, restore_refused(site, changed))

    cut = _copy(source_archive, tmp_path / "cut.tar.gz")
    cut.write_bytes(cut.read_bytes()[:-100])
    assert said(NO_MATCH, restore_refused(site, cut, "--accept-unsigned"))

    other = tmp_path / "other.tar.gz"
    new_sqlite_site().nashr("backup", str(other), "--unencrypted")
    shutil.copyfile(f"{source_archive}.sig", f"{other}.sig")
    assert said(NO_MATCH, restore_refused(site, other))


def test_archive_without_signature_needs_the_flag(source_archive, new_sqlite_site, tmp_path):
    """An archive without FILE.sig (an old one) is refused; the flag restores it, warning."""
    old = _copy(source_archive, tmp_path / "old.tar.gz", signature=False)
    site = new_sqlite_site()
    error = restore_refused(site, old)
    assert said(NO_SIGNATURE, error) and "old.tar.gz.sig" in error
    done = site.nashr("restore", str(old), "--accept-unsigned")
    assert said(UNVERIFIED_WARNING, done.stderr)
    assert _subscribers(site) == 1000


def test_restore_without_a_trusted_key_needs_the_flag(source_archive, new_sqlite_site):
    """With no NASHR_BACKUP_VERIFY_KEY nothing can be checked: refused unless the flag."""
    site = new_sqlite_site()
    del site.settings["NASHR_BACKUP_VERIFY_KEY"]
    assert said(
        "The archive's origin cannot be checked: %(reason)s.",
        restore_refused(site, source_archive),
    )
    done = site.nashr("restore", str(source_archive), "--accept-unsigned")
    assert said(UNVERIFIED_WARNING, done.stderr)


def test_key_made_by_ssh_keygen_and_a_file_of_trusted_keys(new_sqlite_site, tmp_path):
    """A key from ssh-keygen signs; a restore trusts any key of a NASHR_BACKUP_VERIFY_KEY file."""
    key = tmp_path / "ssh-signing.key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "new server", "-f", str(key)],
        check=True,
    )
    trusted = tmp_path / "backup-verify.pub"
    old_server = make_signing_key(tmp_path / "old-server.key")
    trusted.write_text(f"# the old server\n{old_server}\n{Path(f'{key}.pub').read_text()}")
    maker = new_sqlite_site()
    maker.settings["NASHR_BACKUP_SIGNING_KEY_FILE"] = str(key)
    archive = tmp_path / "made.tar.gz"
    maker.nashr("backup", str(archive), "--unencrypted")
    site = new_sqlite_site()
    site.settings["NASHR_BACKUP_VERIFY_KEY"] = str(trusted)
    done = site.nashr("restore", str(archive))
    assert _fingerprint(Path(f"{key}.pub").read_text().strip(), tmp_path) in done.stdout


def _guide_line(start: str) -> str:
    """The command of the deployment guide's line that starts with `start`."""
    lines = [line for line in DEPLOY_GUIDE.read_text().splitlines() if line.startswith(start)]
    assert len(lines) == 1, f"one line of docs/deploy.md starts with {start!r}"
    return lines[0].split("  #")[0]


def _run(command: str, site: Site, folder: Path) -> subprocess.CompletedProcess[bytes]:
    """Run a line of the guide in `folder`, with /etc/nashr and the venv's nashr there."""
    command = command.replace("/etc/nashr/", f"{folder}/").replace(
        "/srv/nashr/.venv/bin/nashr", f"{sys.executable} -m nashr.cli"
    )
    # The guide's own lines, run as an operator would: through the shell.
    return subprocess.run(  # noqa: S602
        command, shell=True, cwd=folder, env=site.env(), capture_output=True, check=False
    )


def test_deploy_guide_commands_make_and_check_signed_backups(new_sqlite_site, keys, tmp_path):
    """The guide's key set-up signs the server's backups; its ssh-keygen lines check them."""
    secret, public = keys
    server = new_sqlite_site()
    made = _run(_guide_line("/srv/nashr/.venv/bin/nashr backup_keygen"), server, tmp_path)
    assert made.returncode == 0, made.stderr
    # The settings the guide then gives, as in deploy/nashr.env.example.
    example = (ROOT / "deploy" / "nashr.env.example").read_text()
    for name in ("NASHR_BACKUP_SIGNING_KEY_FILE", "NASHR_BACKUP_VERIFY_KEY"):
        value = example.split(f"\n{name}=")[1].split("\n")[0]
        server.settings[name] = value.replace("/etc/nashr/", f"{tmp_path}/")
    archive = tmp_path / "nashr-20260101-031500.nashr.age"
    server.nashr("backup", str(archive), "--encrypt-to", str(public))
    restoring = new_sqlite_site()
    restoring.settings = dict(server.settings)
    assert "SHA256:" in restoring.nashr("restore", str(archive), "--identity", str(secret)).stdout

    shutil.copyfile(tmp_path / "backup-verify.pub", tmp_path / "nashr-backup-verify.pub")
    allowed = _run(_guide_line("grep '^ssh-' nashr-backup-verify.pub"), server, tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    check = _guide_line("ssh-keygen -Y verify")
    good = _run(check, server, tmp_path)
    assert good.returncode == 0, good.stderr
    archive.write_bytes(archive.read_bytes() + b"\0")
    assert _run(check, server, tmp_path).returncode != 0


def test_deploy_files_keep_signatures_with_archives():
    """The nightly unit removes each signature with its archive; the guide tells of the flag."""
    unit = (ROOT / "deploy" / "nashr-backup.service").read_text()
    pattern = unit.split("-name '")[1].split("'")[0]
    for name in ("nashr-20260101-031500.nashr.age", "nashr-20260101-031500.nashr.age.sig"):
        assert fnmatch.fnmatch(name, pattern), name
    assert "--accept-unsigned" in _guide_line("    --identity /var/lib/nashr/restore.key --")


def test_reader_refuses_a_file_other_than_the_one_checked(source_archive):
    """Each reading of a checked archive ends by refusing bytes that are not the ones checked."""
    checked = file_digest(source_archive)
    with ArchiveReader(source_archive, identities=None, sha512=checked) as reader:
        assert sum(1 for _member in reader.members()) > 1
    other = bytes(64)
    with (
        pytest.raises(ArchiveDamaged),
        ArchiveReader(source_archive, identities=None, sha512=other) as reader,
    ):
        for _info, stream in reader.members():
            stream.read()
