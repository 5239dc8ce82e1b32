"""Who made an archive: an Ed25519 signature in a file beside it, ``FILE.sig``.

age proves nothing about who encrypted an archive: anyone who has the public key in
``nashr.env`` can encrypt a site of their own making to it, and anyone who can write to
backup storage could then hand over the restored server. So the server also signs each
archive with a key only it holds (``NASHR_BACKUP_SIGNING_KEY_FILE``), and a restore
checks the signature against the public keys it is told to trust
(``NASHR_BACKUP_VERIFY_KEY``) before it decrypts, unpacks or parses any of the archive.

The signature covers the archive's bytes as they are stored (the age ciphertext, or the
gzip stream of an unencrypted archive): it is checked without the age secret key and
before any parser sees the data, and it is made while the archive is written, in the
same pass. Its format is OpenSSH's SSHSIG (``PROTOCOL.sshsig`` in OpenSSH's sources):
an Ed25519 signature over the SHA-512 of the file, in the namespace ``nashr-backup``,
armoured between ``-----BEGIN SSH SIGNATURE-----`` lines; the keys are OpenSSH keys
(``ssh-ed25519 AAAA…``). So ``ssh-keygen`` can make the key pair, and check an archive
without Nashr, given a file ALLOWED of lines ``nashr-backup ssh-ed25519 AAAA…``::

    ssh-keygen -Y verify -f ALLOWED -I nashr-backup -n nashr-backup -s FILE.sig < FILE

(not ``-Y check-novalidate``, which checks the signature with whatever key it names).

What a signature does not say is which night the archive was made: a restore prints the
date in its (signed) manifest, so that an older archive put in place of a newer one is seen.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import struct
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

from nashr.core.exceptions import ValidationError

SUFFIX = ".sig"
NAMESPACE = b"nashr-backup"
HASH_ALGORITHM = b"sha512"
MAGIC = b"SSHSIG"
VERSION = 1
KEY_TYPE = b"ssh-ed25519"
ARMOUR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOUR_END = "-----END SSH SIGNATURE-----"
# An Ed25519 SSHSIG is about 300 characters; more is not a signature of ours.
MAX_SIGNATURE_CHARS = 16 * 1024
CHUNK = 1024 * 1024

SIGNING_SETTING = "NASHR_BACKUP_SIGNING_KEY_FILE"
VERIFY_SETTING = "NASHR_BACKUP_VERIFY_KEY"


class SignatureRefused(ValidationError):
    """An archive whose signature is missing, made with another key, or does not match."""


def signature_path(archive: Path) -> Path:
    """Where the signature of the archive at `archive` is: the same name plus ``.sig``."""
    return archive.with_name(archive.name + SUFFIX)


# --- the wire format (RFC 4251 strings) --------------------------------------------------


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


class _Fields:
    """Reads RFC 4251 fields from `data`; a short or overlong field raises ValueError."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, count: int) -> bytes:
        if self.at + count > len(self.data):
            raise ValueError("truncated")
        piece = self.data[self.at : self.at + count]
        self.at += count
        return piece

    def uint32(self) -> int:
        return int(struct.unpack(">I", self.take(4))[0])

    def string(self) -> bytes:
        return self.take(self.uint32())

    def end(self) -> None:
        if self.at != len(self.data):
            raise ValueError("trailing data")


def _public_blob(key: Ed25519PublicKey) -> bytes:
    return _string(KEY_TYPE) + _string(key.public_bytes_raw())


def _signed_data(digest: bytes) -> bytes:
    """What the key signs (PROTOCOL.sshsig): the namespace and the file's SHA-512."""
    return MAGIC + _string(NAMESPACE) + _string(b"") + _string(HASH_ALGORITHM) + _string(digest)


def fingerprint(key: Ed25519PublicKey) -> str:
    """The key's fingerprint as ``ssh-keygen -l`` prints it (``SHA256:…``)."""
    digest = hashlib.sha256(_public_blob(key)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def public_line(key: Ed25519PublicKey, comment: str = "") -> str:
    """The public key as one line, ``ssh-ed25519 AAAA… comment``."""
    line = f"{KEY_TYPE.decode()} {base64.b64encode(_public_blob(key)).decode('ascii')}"
    return f"{line} {comment}" if comment else line


# --- hashing while writing ---------------------------------------------------------------


class DigestingWriter(io.RawIOBase):
    """A writable file that passes everything to `raw` and keeps its SHA-512."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.hash = hashlib.sha512()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.hash.update(data)
        return self.raw.write(data)

    def digest(self) -> bytes:
        return self.hash.digest()


def file_digest(path: Path) -> bytes:
    """The SHA-512 of the file at `path`, read in chunks."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha512").digest()


# --- keys --------------------------------------------------------------------------------


def key_generate(path: Path) -> Ed25519PrivateKey:
    """A new signing key, written to the new file `path` (OpenSSH format, mode 0600)."""
    key = Ed25519PrivateKey.generate()
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),  # the server signs every night, with no one to type
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise ValidationError(
            _("The file exists already."),
            where=str(path),
            hint=_("a key is never overwritten: give a new file name, or remove the old key"),
        ) from exc
    except OSError as exc:
        raise ValidationError(
            _("The key file cannot be written: %(error)s") % {"error": exc.strerror},
            where=str(path),
        ) from exc
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return key


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in the file at `path` (OpenSSH or PKCS#8 PEM)."""
    where = f"{SIGNING_SETTING} {path}"
    hint = _("make one with `nashr backup_keygen FILE` (or ssh-keygen -t ed25519 -N '' -f FILE)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            _("The signing key cannot be read: %(error)s") % {"error": exc.strerror},
            where=where,
            hint=hint,
        ) from exc
    try:
        if data.lstrip().startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
            key: Any = serialization.load_ssh_private_key(data, password=None)
        else:
            key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        # TypeError: the key has a passphrase, which no one is there to type.
        raise ValidationError(
            _("This is not a private key without a passphrase: %(error)s") % {"error": exc},
            where=where,
            hint=hint,
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValidationError(_("The signing key is not an Ed25519 key."), where=where, hint=hint)
    return key


def load_verify_keys(value: str) -> list[Ed25519PublicKey]:
    """The public keys in `value`: one ``ssh-ed25519 AAAA…`` line, or a file of them."""
    where = VERIFY_SETTING
    hint = _(
        "give the public key (ssh-ed25519 AAAA…, printed by `nashr backup_keygen --public "
        "KEYFILE` on the server that makes the backups), or a file with one such line per "
        "trusted key"
    )
    text = value
    if not value.lstrip().startswith("ssh-"):
        path = Path(value)
        if not path.is_file():
            raise ValidationError(
                _("“%(value)s” is neither a public key nor a file.") % {"value": value},
                where=where,
                hint=hint,
            )
        text = path.read_text(encoding="utf-8", errors="replace")
        where = f"{where} {value}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("#")]
    if any("PRIVATE KEY" in line for line in lines):
        raise ValidationError(
            _("This holds a private key, not a public key."),
            where=where,
            hint=_(
                "give the public key only: the private key stays on the server that makes "
                "the backups"
            ),
        )
    keys = []
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        try:
            if fields[0].encode() != KEY_TYPE or len(fields) < 2:
                raise ValueError(fields[0])
            key = serialization.load_ssh_public_key(f"{fields[0]} {fields[1]}".encode())
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise ValidationError(
                _("Line %(line)d is not an Ed25519 public key (ssh-ed25519 AAAA…).")
                % {"line": number},
                where=where,
                hint=hint,
            ) from exc
        assert isinstance(key, Ed25519PublicKey)  # the type was checked above
        keys.append(key)
    if not keys:
        raise ValidationError(_("No public key is given."), where=where, hint=hint)
    return keys


# --- signing and checking ------------------------------------------------------------------


def sign(key: Ed25519PrivateKey, digest: bytes) -> str:
    """The armoured SSHSIG signature of a file whose SHA-512 is `digest`."""
    signature = key.sign(_signed_data(digest))
    blob = (
        MAGIC
        + struct.pack(">I", VERSION)
        + _string(_public_blob(key.public_key()))
        + _string(NAMESPACE)
        + _string(b"")
        + _string(HASH_ALGORITHM)
        + _string(_string(KEY_TYPE) + _string(signature))
    )
    text = base64.b64encode(blob).decode("ascii")
    lines = [text[start : start + 70] for start in range(0, len(text), 70)]
    return "\n".join([ARMOUR_BEGIN, *lines, ARMOUR_END]) + "\n"


def _refused(archive: Path, problem: str, hint: str = "") -> SignatureRefused:
    return SignatureRefused(
        problem,
        where=str(signature_path(archive)),
        hint=hint or _("nothing was read or restored: this archive may not come from your server"),
    )


def unsigned(archive: Path) -> SignatureRefused:
    """The refusal of an archive that has no signature beside it."""
    return _refused(
        archive,
        _("The archive has no signature: %(file)s does not exist.")
        % {"file": signature_path(archive).name},
        _(
            "an archive made before Nashr signed its backups restores with "
            "--accept-unsigned, after a warning; copy FILE.sig along with each archive"
        ),
    )


def _parse(archive: Path, text: str) -> tuple[Ed25519PublicKey, bytes]:
    """The signing public key and the raw signature in the armoured SSHSIG `text`."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 3 or lines[0] != ARMOUR_BEGIN or lines[-1] != ARMOUR_END:
        raise _refused(archive, _("This is not an SSH signature (-----BEGIN SSH SIGNATURE-----)."))
    try:
        fields = _Fields(base64.b64decode("".join(lines[1:-1]), validate=True))
        if fields.take(len(MAGIC)) != MAGIC or fields.uint32() != VERSION:
            raise ValueError("not SSHSIG version 1")
        public = _Fields(fields.string())
        if public.string() != KEY_TYPE:
            raise _refused(archive, _("The archive is not signed with an Ed25519 key."))
        key = Ed25519PublicKey.from_public_bytes(public.string())
        public.end()
        namespace = fields.string()
        fields.string()  # reserved
        algorithm = fields.string()
        signature = _Fields(fields.string())
        signature_type = signature.string()
        raw = signature.string()
        signature.end()
        fields.end()
    except (ValueError, binascii.Error) as exc:
        raise _refused(
            archive,
            _("The signature is damaged: %(error)s") % {"error": str(exc) or type(exc).__name__},
        ) from exc
    if namespace != NAMESPACE:
        raise _refused(
            archive,
            _("The signature is not a Nashr backup's (namespace “%(namespace)s”).")
            % {"namespace": namespace.decode(errors="replace")},
        )
    if algorithm != HASH_ALGORITHM or signature_type != KEY_TYPE:
        raise _refused(archive, _("The signature is not an Ed25519 signature of a SHA-512."))
    return key, raw


def verify(archive: Path, keys: list[Ed25519PublicKey]) -> tuple[Ed25519PublicKey, bytes]:
    """Check the signature beside `archive` with one of `keys`, before anything else reads it.

    Returns the key that signed it and the archive's SHA-512 (for the readers that follow
    to see that the file they read is the one checked). Raises SignatureRefused.
    """
    path = signature_path(archive)
    try:
        with path.open(encoding="ascii", errors="replace") as file:
            text = file.read(MAX_SIGNATURE_CHARS + 1)
    except FileNotFoundError as exc:
        raise unsigned(archive) from exc
    except OSError as exc:
        raise _refused(
            archive, _("The signature cannot be read: %(error)s") % {"error": exc.strerror}
        ) from exc
    if len(text) > MAX_SIGNATURE_CHARS:
        raise _refused(archive, _("This is not an SSH signature (-----BEGIN SSH SIGNATURE-----)."))
    signer, raw = _parse(archive, text)
    trusted = {key.public_bytes_raw(): key for key in keys}
    key = trusted.get(signer.public_bytes_raw())
    if key is None:
        raise _refused(
            archive,
            _(
                "The archive is signed by the key %(signer)s, which %(setting)s does not name "
                "(it names %(trusted)s)."
            )
            % {
                "signer": fingerprint(signer),
                "setting": VERIFY_SETTING,
                "trusted": ", ".join(fingerprint(key) for key in keys),
            },
        )
    try:
        digest = file_digest(archive)
    except OSError as exc:
        raise ValidationError(
            _("The archive cannot be opened: %(error)s") % {"error": exc.strerror},
            where=str(archive),
        ) from exc
    try:
        key.verify(raw, _signed_data(digest))
    except InvalidSignature as exc:
        raise _refused(
            archive,
            _(
                "The signature does not match the archive: the archive was changed after it "
                "was signed, or the signature is another archive's."
            ),
        ) from exc
    return key, digest
