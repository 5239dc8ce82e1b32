"""The backup archive as bytes: a gzip-compressed tar stream, encrypted with age or not.

Members, in this order: ``data/<app>.<model>/<n>.jsonl`` (the model's rows, one JSON
array a line, its columns named in the manifest; a model's rows are split into members of
at most a few megabytes so that neither side holds a whole table in memory), then
``media/<path>`` (MEDIA_ROOT's files), then ``manifest.json`` last, since only then are
the counts and checksums known. The manifest names every member with its size and
sha256; a reader takes an archive whose members differ from it, or that ends before it,
for damaged or tampered with.

Encryption (``--encrypt-to``) wraps the whole stream in age (pyrage), so the manifest and
the member names are secret too. age authenticates every 64 KiB chunk and the end of the
stream, so a change or a cut in an encrypted archive is caught by decryption itself. An
unencrypted archive only has its checksums: they catch damage and a careless edit, not a
forger who rewrites the manifest too.

Neither proves who made the archive: anyone with the age public key can encrypt one. The
server signs the stored bytes with its own key into ``FILE.sig`` (signing.py, which
says why and how), hashing them as they are written; a restore checks that signature
before anything here reads the archive, and each reading then hashes the bytes it reads
again, so a file changed after the check is refused at the end of the pass.

Writing and reading stream through a pipe and a thread when encrypting or decrypting
(pyrage reads its input and writes its output itself): nothing decrypted is written to
disk, and memory stays flat whatever the size of the media.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyrage  # type: ignore[import-untyped]  # pyrage ships no type information
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils.translation import gettext as _

from nashr.backups import signing
from nashr.core.exceptions import ValidationError

FORMAT = "nashr-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
MEDIA_PREFIX = "media/"
AGE_MAGIC = b"age-encryption.org/v1"
GZIP_MAGIC = b"\x1f\x8b"
# Fast compression: the archive is mostly text, and level 1 keeps most of level 6's gain
# at a third of its time (the target is 100,000 publications in under a minute).
COMPRESS_LEVEL = 1
CHUNK = 1024 * 1024


# What reading a cut, changed or wrongly decrypted stream raises, from tarfile, gzip, zlib
# or the pipe from age.
READ_ERRORS = (OSError, EOFError, tarfile.TarError, zlib.error, ValueError)


class ArchiveDamaged(ValidationError):
    """An archive that cannot be trusted: cut short, changed, or not a Nashr backup."""


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str


# --- keys --------------------------------------------------------------------------------


def _key_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def load_recipient(value: str) -> pyrage.x25519.Recipient:
    """The age public key `value` (``age1…``) or the one in the file named `value`."""
    where = "--encrypt-to"
    text = value
    if not value.startswith("age1"):
        path = Path(value)
        if not path.is_file():
            raise ValidationError(
                _("“%(value)s” is neither an age public key nor a file.") % {"value": value},
                where=where,
                hint=_("give the public key (age1…) or a file that holds it"),
            )
        text = path.read_text(encoding="utf-8", errors="replace")
        where = f"{where} {value}"
    lines = _key_lines(text)
    if any(line.startswith("AGE-SECRET-KEY-") for line in lines):
        raise ValidationError(
            _("This file holds a secret key, not a public key."),
            where=where,
            hint=_(
                "give the public key (age1…, printed by age-keygen -y) and keep the "
                "secret key off this server: whoever takes the server must not be able "
                "to read its backups"
            ),
        )
    if len(lines) != 1:
        raise ValidationError(
            _("Expected one age public key, found %(count)d.") % {"count": len(lines)},
            where=where,
            hint=_("give one public key (age1…)"),
        )
    try:
        return pyrage.x25519.Recipient.from_str(lines[0])
    except pyrage.RecipientError as exc:
        raise ValidationError(
            _("This is not an age public key: %(error)s") % {"error": exc},
            where=where,
            hint=_("a public key starts with age1 (age-keygen -y KEYFILE prints it)"),
        ) from exc


def load_identities(path: Path) -> list[pyrage.x25519.Identity]:
    """The age secret keys in the identity file at `path` (as age-keygen writes it)."""
    where = f"--identity {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            _("The key file cannot be read: %(error)s") % {"error": exc}, where=where
        ) from exc
    identities = []
    for line in _key_lines(text):
        try:
            identities.append(pyrage.x25519.Identity.from_str(line))
        except pyrage.IdentityError as exc:
            raise ValidationError(
                _("This is not an age secret key: %(error)s") % {"error": exc},
                where=where,
                hint=_("give the file made by age-keygen, with a line AGE-SECRET-KEY-1…"),
            ) from exc
    if not identities:
        raise ValidationError(
            _("The key file holds no secret key."),
            where=where,
            hint=_("give the file made by age-keygen, with a line AGE-SECRET-KEY-1…"),
        )
    return identities


# --- pipes through pyrage ------------------------------------------------------------------


class _Piped:
    """pyrage reading or writing one end of a pipe in a thread; the other end is ours."""

    def __init__(self, work: Callable[[IO[bytes]], None], *, we_write: bool) -> None:
        read_fd, write_fd = os.pipe()
        self.error: BaseException | None = None
        theirs = os.fdopen(read_fd if we_write else write_fd, "rb" if we_write else "wb")
        self.ours: IO[bytes] = os.fdopen(
            write_fd if we_write else read_fd, "wb" if we_write else "rb"
        )

        def run() -> None:
            try:
                work(theirs)
            except BaseException as exc:  # reported by close(), in the calling thread
                self.error = exc
            finally:
                theirs.close()

        self.thread = threading.Thread(target=run, name="nashr-backup-age", daemon=True)
        self.thread.start()

    def close(self) -> BaseException | None:
        """Close our end, wait for pyrage, and return what it failed with, if anything."""
        with contextlib.suppress(BrokenPipeError):
            self.ours.close()
        self.thread.join()
        return self.error


class _Counting(io.RawIOBase):
    """A readable file that reports how many bytes have been read through it, and hashes them."""

    def __init__(self, raw: IO[bytes], progress: Callable[[int], object] | None) -> None:
        self.raw = raw
        self.progress = progress
        self.hash = hashlib.sha512()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]  # a binary file has it
        if count:
            self.hash.update(memoryview(buffer)[:count])
            if self.progress is not None:
                self.progress(count)
        return int(count or 0)

    def digest_to_end(self) -> bytes:
        """The SHA-512 of the whole file: what was read, then the rest (read now)."""
        while chunk := self.raw.read(CHUNK):
            self.hash.update(chunk)
        return self.hash.digest()


# --- writing -------------------------------------------------------------------------------


class ArchiveWriter:
    """Writes an archive to `path` (through ``path.partial``, renamed when complete).

    With `signing_key`, its signature goes to ``path.sig`` (signing.py), put in place
    just before the archive: an archive is never there without its signature.
    """

    def __init__(
        self,
        path: Path,
        *,
        recipient: pyrage.x25519.Recipient | None,
        signing_key: Ed25519PrivateKey | None = None,
    ) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.signing_key = signing_key
        self.signature = signing.signature_path(path)
        self.signature_partial = self.signature.with_name(self.signature.name + ".partial")
        self.members: list[Member] = []
        # Subscribers' addresses are inside: readable by the server's operator only.
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.file: IO[bytes] = os.fdopen(descriptor, "wb")
        # Every byte stored passes through here, so the signature needs no second reading.
        self.stored = signing.DigestingWriter(self.file)
        self.pipe: _Piped | None = None
        sink: IO[bytes] = cast(IO[bytes], self.stored)
        if recipient is not None:
            output = self.stored
            self.pipe = _Piped(
                lambda source: pyrage.encrypt_io(source, output, [recipient]), we_write=True
            )
            sink = self.pipe.ours
        self.gzip = gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=COMPRESS_LEVEL, mtime=0)
        self.tar = tarfile.open(fileobj=self.gzip, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115
        self.mtime = int(time.time())

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = self.mtime
        info.mode = 0o600
        return info

    def add_bytes(self, name: str, data: bytes) -> Member:
        member = Member(name, len(data), hashlib.sha256(data).hexdigest())
        self.tar.addfile(self._info(name, len(data)), io.BytesIO(data))
        self.members.append(member)
        return member

    def add_file(self, name: str, path: Path) -> Member:
        """Add the file at `path`, hashing it as it is read (once)."""
        digest = hashlib.sha256()
        with path.open("rb") as source:
            size = os.fstat(source.fileno()).st_size

            class Hashing(io.RawIOBase):
                def readable(self) -> bool:
                    return True

                def read(self, count: int = -1) -> bytes:
                    data = source.read(count)
                    digest.update(data)
                    return data

            self.tar.addfile(self._info(name, size), Hashing())
        member = Member(name, size, digest.hexdigest())
        self.members.append(member)
        return member

    def finish(self, manifest: dict[str, Any]) -> None:
        """Add the manifest (with every member's checksum), close, and put the file in place."""
        manifest["members"] = [
            {"name": m.name, "size": m.size, "sha256": m.sha256} for m in self.members
        ]
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        self.tar.addfile(self._info(MANIFEST, len(data)), io.BytesIO(data))
        self.tar.close()
        self.gzip.close()
        if self.pipe is not None:
            error = self.pipe.close()
            if error is not None:
                raise error
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        if self.signing_key is not None:
            text = signing.sign(self.signing_key, self.stored.digest())
            descriptor = os.open(
                self.signature_partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
            )
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            self.signature_partial.replace(self.signature)
        self.partial.replace(self.path)

    def abandon(self) -> None:
        """Remove what was written after a failure: no half archive looks like a backup."""
        for closing in (self.tar.close, self.gzip.close):
            # The writing already failed, and that error is the one reported.
            with contextlib.suppress(Exception):
                closing()
        if self.pipe is not None:
            self.pipe.close()
        self.file.close()
        self.partial.unlink(missing_ok=True)
        self.signature_partial.unlink(missing_ok=True)


# --- reading -------------------------------------------------------------------------------


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(AGE_MAGIC)) == AGE_MAGIC


def damaged(path: Path, problem: str) -> ArchiveDamaged:
    """The error for an archive that cannot be trusted, saying nothing was restored."""
    return ArchiveDamaged(
        problem,
        where=str(path),
        hint=_("nothing was restored; use another copy of the backup"),
    )


class ArchiveReader:
    """One pass over the members of the archive at `path`, decrypting if needed.

    Use as a context manager around ``members()``; any failure to read (a cut, a changed
    byte, a wrong key) comes out as ``ArchiveDamaged`` or ``ValidationError``. With
    `sha512` (of the file whose signature was checked), ``members()`` ends by refusing a
    file that is not that one any more.
    """

    def __init__(
        self,
        path: Path,
        *,
        identities: list[pyrage.x25519.Identity] | None,
        progress: Callable[[int], object] | None = None,
        sha512: bytes | None = None,
    ) -> None:
        self.path = path
        self.sha512 = sha512
        try:
            self.file: IO[bytes] = path.open("rb")
        except OSError as exc:
            raise ValidationError(
                _("The archive cannot be opened: %(error)s") % {"error": exc.strerror},
                where=str(path),
            ) from exc
        head = self.file.read(len(AGE_MAGIC))
        self.file.seek(0)
        self.pipe: _Piped | None = None
        self.counting = _Counting(self.file, progress)
        source: IO[bytes] = io.BufferedReader(self.counting, CHUNK)
        if head == AGE_MAGIC:
            if not identities:
                self.file.close()
                raise ValidationError(
                    _("The archive is encrypted."),
                    where=str(path),
                    hint=_("give the secret key it was encrypted to with --identity KEYFILE"),
                )
            encrypted = source
            self.pipe = _Piped(
                lambda sink: pyrage.decrypt_io(encrypted, sink, identities), we_write=False
            )
            source = self.pipe.ours
        elif not head.startswith(GZIP_MAGIC):
            self.file.close()
            raise damaged(path, _("This is not a Nashr backup (neither age nor gzip data)."))
        self.gzip = gzip.GzipFile(fileobj=source, mode="rb")
        # Opened by members(): opening reads the first block, which may fail.
        self.tar: tarfile.TarFile | None = None

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> BaseException | None:
        closers = [self.gzip.close] if self.tar is None else [self.tar.close, self.gzip.close]
        for closing in closers:
            # Reading has ended, well or not; a failure was reported by members().
            with contextlib.suppress(Exception):
                closing()
        error = self.pipe.close() if self.pipe is not None else None
        self.file.close()
        return error

    def failure(self, exc: BaseException, where: str) -> ValidationError:
        """The error to report for a read that failed: age's own reason first."""
        error = self.pipe.close() if self.pipe is not None else None
        if isinstance(error, pyrage.DecryptError):
            return ValidationError(
                _("The archive cannot be decrypted with this key: %(error)s") % {"error": error},
                where=f"--identity / {self.path}",
                hint=_("give the secret key that matches the public key it was encrypted to"),
            )
        if error is not None:
            exc = error
        return damaged(
            self.path,
            _("The archive is damaged or cut short (%(where)s: %(error)s).")
            % {"where": where, "error": str(exc) or type(exc).__name__},
        )

    def members(self) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
        """Each member with a reader of its bytes (valid until the next member)."""
        last = _("the start")
        try:
            self.tar = tarfile.open(fileobj=self.gzip, mode="r|")  # noqa: SIM115
            for info in self.tar:
                if not info.isfile():
                    raise damaged(
                        self.path, _("Unexpected entry “%(name)s”.") % {"name": info.name}
                    )
                reader = self.tar.extractfile(info)
                assert reader is not None  # a regular file always has one
                yield info, cast(IO[bytes], _Guarded(self, reader, info.name))
                last = info.name
        except ValidationError:
            raise
        except READ_ERRORS as exc:
            raise self.failure(exc, _("after %(member)s") % {"member": last}) from exc
        error = self.pipe.close() if self.pipe is not None else None
        if error is not None:
            raise self.failure(error, _("after %(member)s") % {"member": last})
        if self.sha512 is not None and self.counting.digest_to_end() != self.sha512:
            raise damaged(
                self.path,
                _("The archive was changed after its signature was checked."),
            )


class _Guarded(io.RawIOBase):
    """A member's reader whose failures (a cut, a bad key) are reported as the archive's."""

    def __init__(self, archive: ArchiveReader, reader: IO[bytes], name: str) -> None:
        self.archive = archive
        self.reader = reader
        self.name = name

    def readable(self) -> bool:
        return True

    def read(self, count: int = -1) -> bytes:
        try:
            return self.reader.read(count)
        except READ_ERRORS as exc:
            raise self.archive.failure(exc, self.name) from exc


def parse_manifest(path: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise damaged(
            path, _("The manifest is not valid JSON: %(error)s") % {"error": exc}
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise damaged(path, _("The manifest is not a Nashr backup's."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValidationError(
            _("The archive has format version %(found)s; this Nashr reads version %(known)s.")
            % {"found": manifest.get("format_version"), "known": FORMAT_VERSION},
            where=str(path),
            hint=_("restore it with the Nashr version that made it"),
        )
    shape = {"members": list, "models": dict, "migrations": dict}
    if any(not isinstance(manifest.get(key), kind) for key, kind in shape.items()):
        raise damaged(path, _("The manifest is incomplete."))
    try:
        for entry in manifest["members"]:
            (entry["name"], int(entry["size"]), str(entry["sha256"]))
        for entry in manifest["models"].values():
            (list(entry["columns"]), int(entry["rows"]), list(entry["members"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise damaged(path, _("The manifest is incomplete.")) from exc
    return manifest
