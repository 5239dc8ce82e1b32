"""Backing the whole site up to one archive, and restoring it into an empty database.

What is in it: the rows of every model of every installed app (Nashr's, auth with the
roles, django-otp's TOTP and backup-code devices, passkeys, the task queue, the admin's
history, content types and permissions), except what is only worth something on the
running server (``EXCLUDED``), plus MEDIA_ROOT's files. Models are found at run time, so
an app or a model added later is in the next backup without a change here.

The rows are read in one snapshot while the site runs: one REPEATABLE READ, read-only
transaction on PostgreSQL; one deferred read transaction on SQLite, which in WAL mode
sees the database as it was at its first read and blocks no writer (Nashr's own
transactions are IMMEDIATE, which would hold the write lock for the whole backup).
Primary keys are kept, so issue numbers, links, Message-IDs and frozen documents mean
the same after a restore, on either database.

Each archive is signed by the server's key (``NASHR_BACKUP_SIGNING_KEY_FILE``) into
``FILE.sig``, and a restore first checks that signature against the keys it trusts
(``NASHR_BACKUP_VERIFY_KEY``), before it decrypts or reads anything (signing.py says
why). It then checks the whole archive (every checksum, every count, the migration state)
before it writes anything, then inserts every row in one transaction: a failure leaves
the database as it was. The rows are inserted with the database's own ``executemany``
from the values each field prepares for its database, not through model instances:
``auto_now`` fields would be stamped with the time of the restore (``save()`` and
``bulk_create`` both call ``pre_save``), and building 200,000 instances costs more than
the inserts themselves.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from tqdm import tqdm

from nashr.audit.services import audit_record
from nashr.backups.archive import (
    CHUNK,
    DATA_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    ArchiveReader,
    ArchiveWriter,
    damaged,
    load_identities,
    load_recipient,
    parse_manifest,
)
from nashr.backups.signing import (
    VERIFY_SETTING,
    SignatureRefused,
    fingerprint,
    load_signing_key,
    load_verify_keys,
    signature_path,
    unsigned,
    verify,
)
from nashr.core.actors import Actor, SystemActor, refusal
from nashr.core.exceptions import StateError, ValidationError

# Models left out, and why.
EXCLUDED = {
    # Logged-in staff log in again on the restored site (only staff have sessions).
    "sessions.session",
    # Counts of recent failed logins, keyed by hashes of the SECRET_KEY: they matter for
    # the next quarter of an hour on the server that saw them, not on a restored one.
    "accounts.loginthrottle",
    # Rate limits' counts, the same: an hour or a day of keyed hashes, nothing to restore.
    "core.ratecount",
}
# Models whose rows `migrate` itself creates: a fresh database holds them and is still
# empty. A restore replaces them with the archive's (same ids as the rows that point at
# them: permissions at content types, publications at kinds).
SEEDED = {
    "contenttypes.contenttype",
    "auth.permission",
    "auth.group",
    "auth.group_permissions",
    "publications.kind",
}
# A data member holds at most this much JSON (it is held in memory on both sides).
MEMBER_BYTES = 8 * 1024 * 1024
INSERT_BATCH = 2000
PROGRESS_STEP = 1000


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own, in the order of the app registry."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    ]


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    # The model's own table only: with multi-table inheritance the parent has its own.
    return list(model._meta.local_concrete_fields)


# --- values to JSON and back ---------------------------------------------------------------

# Field types whose Python values are JSON values already and go to either database as
# they are. Every other type is prepared by the field itself for the database at hand.
PLAIN = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "BooleanField",
}


def _type(column: models.Field[Any, Any]) -> str:
    target = column
    while isinstance(target, models.ForeignKey):  # a key has the type of what it points at
        target = target.target_field
    return target.get_internal_type()


ENCODE: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": lambda value: value.isoformat(),
    "DateField": lambda value: value.isoformat(),
    "TimeField": lambda value: value.isoformat(),
    "DurationField": lambda value: value // dt.timedelta(microseconds=1),
    "UUIDField": str,
    "BinaryField": lambda value: base64.b64encode(bytes(value)).decode("ascii"),
    "DecimalField": str,
}
DECODE: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": dt.datetime.fromisoformat,
    "DateField": dt.date.fromisoformat,
    "TimeField": dt.time.fromisoformat,
    "DurationField": lambda value: dt.timedelta(microseconds=value),
    "UUIDField": uuid.UUID,
    "BinaryField": base64.b64decode,
    "DecimalField": decimal.Decimal,
}


def _encoders(columns: list[models.Field[Any, Any]]) -> list[tuple[int, Callable[[Any], Any]]]:
    return [
        (index, ENCODE[_type(column)])
        for index, column in enumerate(columns)
        if _type(column) in ENCODE
    ]


def _decoders(columns: list[models.Field[Any, Any]]) -> list[tuple[int, Callable[[Any], Any]]]:
    """Per column not plain: JSON value → Python value → the database's value."""

    def prepare(column: models.Field[Any, Any]) -> Callable[[Any], Any]:
        decode = DECODE.get(_type(column))
        if decode is None:
            return lambda value: column.get_db_prep_save(value, connection)
        return lambda value: column.get_db_prep_save(decode(value), connection)

    return [
        (index, prepare(column))
        for index, column in enumerate(columns)
        if _type(column) not in PLAIN
    ]


# --- the snapshot --------------------------------------------------------------------------


@contextmanager
def snapshot() -> Iterator[None]:
    """Every read inside sees the database as of one moment, and no write is blocked."""
    if connection.in_atomic_block:
        raise StateError(_("A backup must run in a transaction of its own."))
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            # Outside Django's atomic(), which would BEGIN IMMEDIATE and block writers.
            cursor.execute("BEGIN DEFERRED")
            try:
                cursor.execute("SELECT count(*) FROM sqlite_master")  # the snapshot starts here
                yield
            finally:
                cursor.execute("COMMIT")  # nothing was written
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


# --- backup --------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    encrypted: bool
    signature: Path | None  # None: not signed (no NASHR_BACKUP_SIGNING_KEY_FILE)
    rows: int = 0
    models: int = 0
    media_files: int = 0
    size: int = 0


def _require_operator(actor: Actor, *, action: str) -> None:
    """Backups hold every subscriber and every staff secret: the server's operator only."""
    if isinstance(actor, SystemActor) or getattr(actor, "is_superuser", False):
        return
    raise refusal(actor, action=action)


def _progress(enabled: bool, **options: Any) -> tqdm[Any]:
    return tqdm(file=sys.stderr, disable=not enabled, leave=False, **options)


def _migration_state() -> dict[str, list[str]]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(loader.applied_migrations or {}):
        state.setdefault(app_label, []).append(name)
    return state


def _write_model(
    writer: ArchiveWriter, model: type[models.Model], bar: tqdm[Any]
) -> dict[str, Any]:
    label = model._meta.label_lower
    columns = _columns(model)
    encoders = _encoders(columns)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    rows = 0
    parts: list[str] = []
    buffer: list[bytes] = []
    held = 0

    def flush() -> None:
        nonlocal held
        name = f"{DATA_PREFIX}{label}/{len(parts):06d}.jsonl"
        writer.add_bytes(name, b"".join(buffer))
        parts.append(name)
        buffer.clear()
        held = 0

    queryset = (
        model._base_manager.order_by("pk")
        .values_list(*(column.attname for column in columns))
        .iterator(chunk_size=INSERT_BATCH)
    )
    for values in queryset:
        row = list(values)
        for index, encoder in encoders:
            if row[index] is not None:
                row[index] = encoder(row[index])
        line = (encode(row) + "\n").encode()
        buffer.append(line)
        held += len(line)
        rows += 1
        if held >= MEMBER_BYTES:
            flush()
        if rows % PROGRESS_STEP == 0:
            bar.update(PROGRESS_STEP)
    if buffer:
        flush()
    bar.update(rows % PROGRESS_STEP)
    return {
        "table": model._meta.db_table,
        "columns": [column.attname for column in columns],
        "rows": rows,
        "members": parts,
    }


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """MEDIA_ROOT's regular files as (member name, path); links are not followed."""
    if not root.is_dir():
        return
    for folder, folders, files in os.walk(root):
        folders.sort()
        for filename in sorted(files):
            path = Path(folder, filename)
            if path.is_file() and not path.is_symlink():
                yield MEDIA_PREFIX + path.relative_to(root).as_posix(), path


def _check_encryption(path: Path, *, recipient: str, unencrypted: bool) -> None:
    """An archive is encrypted unless asked not to be, and only an encrypted one is *.age.

    The backup unit passes ``NASHR_BACKUP_RECIPIENT`` to ``--encrypt-to``: left empty, it
    would write every subscriber's address in clear under a name that says otherwise.
    """
    if recipient and unencrypted:
        raise ValidationError(
            _("--encrypt-to and --unencrypted contradict each other."),
            where="--unencrypted",
            hint=_("give one of them"),
        )
    if not recipient and not unencrypted:
        raise ValidationError(
            _(
                "No age public key to encrypt the archive to: it would hold every "
                "subscriber's address in clear. Nothing was written."
            ),
            where="--encrypt-to (NASHR_BACKUP_RECIPIENT for the backup unit)",
            hint=_(
                "make a key pair with `age-keygen -o nashr-backup.key` on a machine other "
                "than this server and set NASHR_BACKUP_RECIPIENT in /etc/nashr/nashr.env to "
                "the public key it prints (age1…) (docs/deploy.md, 8. Backups); for a copy "
                "in clear, on a development machine, give --unencrypted"
            ),
        )
    if unencrypted and path.name.lower().endswith(".age"):
        raise ValidationError(
            _("The archive would not be encrypted, but its name ends in .age."),
            where=str(path),
            hint=_("name it FILE.tar.gz, or encrypt it with --encrypt-to"),
        )


def backup_create(
    *,
    actor: Actor,
    path: Path,
    recipient: str = "",
    unencrypted: bool = False,
    progress: bool = False,
) -> BackupResult:
    """Write the whole site to a new archive at `path`, encrypted to `recipient`.

    Without a recipient the archive is refused unless `unencrypted` says it is wanted in
    clear. Signed with the key in the file ``NASHR_BACKUP_SIGNING_KEY_FILE`` names, if
    set; the signature goes to ``path.sig``.
    """
    _require_operator(actor, action="back the site up")
    _check_encryption(path, recipient=recipient, unencrypted=unencrypted)
    for taken in (path, signature_path(path)):
        if taken.exists():
            raise ValidationError(
                _("The file exists already."),
                where=str(taken),
                hint=_("give a new file name (a backup never overwrites a file)"),
            )
    if not path.parent.is_dir():
        raise ValidationError(_("The folder does not exist."), where=str(path.parent))
    key = load_recipient(recipient) if recipient else None
    signing_file = settings.NASHR_BACKUP_SIGNING_KEY_FILE
    signing_key = load_signing_key(Path(signing_file)) if signing_file else None
    result = BackupResult(
        path=path,
        encrypted=key is not None,
        signature=signature_path(path) if signing_key is not None else None,
    )
    writer = ArchiveWriter(path, recipient=key, signing_key=signing_key)
    try:
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now(tz=dt.UTC).isoformat(),
            "nashr_version": importlib.metadata.version("nashr"),
            "django_version": django.get_version(),
            "database": connection.vendor,
        }
        with snapshot():
            manifest["migrations"] = _migration_state()
            chosen = backed_up_models()
            counts = {model: model._base_manager.count() for model in chosen}
            manifest["models"] = {}
            with _progress(progress, total=sum(counts.values()), unit=" rows", desc="rows") as bar:
                for model in chosen:
                    entry = _write_model(writer, model, bar)
                    manifest["models"][model._meta.label_lower] = entry
                    result.rows += entry["rows"]
        result.models = len(manifest["models"])
        # After the snapshot: a file named by a row of it was uploaded before it.
        media_bytes = 0
        media = list(_media_files(Path(settings.MEDIA_ROOT)))
        with _progress(progress, total=len(media), unit=" files", desc="media") as bar:
            for name, file in media:
                media_bytes += writer.add_file(name, file).size
                bar.update(1)
        result.media_files = len(media)
        manifest["media"] = {"files": len(media), "bytes": media_bytes}
        writer.finish(manifest)
    except BaseException:
        writer.abandon()
        raise
    result.size = path.stat().st_size
    facts = {
        "file": path.name,
        "rows": result.rows,
        "media_files": result.media_files,
        "encrypted": result.encrypted,
        "signed": result.signature is not None,
    }
    audit_record(actor=actor, action="site.backup", label=path.name, changes=facts)
    return result


# --- restore -------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    rows: int = 0
    models: int = 0
    media_files: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    signed_by: str = ""  # the fingerprint of the key whose signature was checked
    unverified: str = ""  # why no signature was checked (restored with accept_unsigned)
    created_at: str = ""  # when the archive was made, by its manifest


@dataclass(frozen=True)
class _Origin:
    signed_by: str
    sha512: bytes | None
    unverified: str


def _check_origin(path: Path, *, accept_unsigned: bool) -> _Origin:
    """Check the archive's signature before anything reads the archive itself.

    Refused: a signature that does not match or is by a key not trusted, always; an
    archive without a signature, or with no key to check it against, unless
    `accept_unsigned` (archives made before backups were signed).
    """
    configured = settings.NASHR_BACKUP_VERIFY_KEY
    keys = load_verify_keys(configured) if configured else []
    signed = signature_path(path).exists()
    if not path.is_file():
        raise ValidationError(_("The archive does not exist."), where=str(path))
    if signed and keys:
        key, sha512 = verify(path, keys)
        return _Origin(signed_by=fingerprint(key), sha512=sha512, unverified="")
    if signed:
        unverified = _("%(setting)s is not set, so its signature was not checked") % {
            "setting": VERIFY_SETTING
        }
    else:
        unverified = _("it has no signature (%(file)s)") % {"file": signature_path(path).name}
    if accept_unsigned:
        return _Origin(signed_by="", sha512=None, unverified=unverified)
    if keys:
        raise unsigned(path)
    raise SignatureRefused(
        _("The archive's origin cannot be checked: %(reason)s.") % {"reason": unverified},
        where=str(path),
        hint=_(
            "set %(setting)s to the public key of the server that made the backups (nothing "
            "was read or restored); an archive you know to be yours restores with "
            "--accept-unsigned"
        )
        % {"setting": VERIFY_SETTING},
    )


def _media_name(path: Path, name: str) -> PurePosixPath:
    """The path under MEDIA_ROOT of a media member, refusing one that would leave it."""
    relative = PurePosixPath(name.removeprefix(MEDIA_PREFIX))
    if relative.is_absolute() or not relative.parts or ".." in relative.parts:
        raise damaged(path, _("The member name “%(name)s” is not allowed.") % {"name": name})
    return relative


def _scan(reader: IO[bytes]) -> tuple[int, str, int]:
    """Size, sha256 and number of lines of one member, read in chunks."""
    digest = hashlib.sha256()
    size = lines = 0
    while chunk := reader.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, digest.hexdigest(), lines


def _verify(
    path: Path, identities: list[Any] | None, sha512: bytes | None, progress: bool
) -> dict[str, Any]:
    """Read the archive once: every member matches the manifest, which comes last."""
    manifest: dict[str, Any] | None = None
    found: dict[str, tuple[int, str, int]] = {}
    with (
        _progress(
            progress, total=path.stat().st_size, unit="B", unit_scale=True, desc="checking"
        ) as bar,
        ArchiveReader(path, identities=identities, progress=bar.update, sha512=sha512) as reader,
    ):
        for info, stream in reader.members():
            if manifest is not None:
                raise damaged(
                    path, _("Data follows the manifest (“%(name)s”).") % {"name": info.name}
                )
            if info.name in found:
                raise damaged(path, _("“%(name)s” appears twice.") % {"name": info.name})
            if info.name == MANIFEST:
                manifest = parse_manifest(path, stream.read())
            elif info.name.startswith(DATA_PREFIX):
                found[info.name] = _scan(stream)
            elif info.name.startswith(MEDIA_PREFIX):
                _media_name(path, info.name)
                found[info.name] = _scan(stream)
            else:
                raise damaged(path, _("Unexpected member “%(name)s”.") % {"name": info.name})
    if manifest is None:
        raise damaged(
            path, _("The archive ends before its manifest: it is cut short or not complete.")
        )
    listed = {entry["name"]: entry for entry in manifest.get("members", [])}
    for name in listed.keys() - found.keys():
        raise damaged(path, _("“%(name)s”, named in the manifest, is missing.") % {"name": name})
    for name in found.keys() - listed.keys():
        raise damaged(path, _("“%(name)s” is not named in the manifest.") % {"name": name})
    for name, (size, sha256, _lines) in found.items():
        if (size, sha256) != (listed[name]["size"], listed[name]["sha256"]):
            raise damaged(
                path,
                _(
                    "“%(name)s” does not match its checksum in the manifest: it was changed "
                    "or damaged."
                )
                % {"name": name},
            )
    owned = {name for entry in manifest["models"].values() for name in entry["members"]}
    for name in found.keys() - owned:
        if name.startswith(DATA_PREFIX):
            raise damaged(path, _("“%(name)s” belongs to no table.") % {"name": name})
    for label, entry in manifest["models"].items():
        lines = sum(found[name][2] for name in entry["members"] if name in found)
        if lines != entry["rows"]:
            raise damaged(
                path,
                _("%(model)s has %(found)d rows; the manifest says %(rows)d.")
                % {"model": label, "found": lines, "rows": entry["rows"]},
            )
    return manifest


def _check_migrations(path: Path, manifest: dict[str, Any]) -> None:
    """The archive was made at exactly the migration state of this database."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    applied = set(loader.applied_migrations or {})
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(archived - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise ValidationError(
            _(
                "The archive was made by a newer Nashr (%(version)s): this code does not know "
                "its migrations %(names)s."
            )
            % {"version": manifest.get("nashr_version"), "names": names},
            where=str(path),
            hint=_("install that version of Nashr (or a later one) and restore with it"),
        )
    behind = sorted(archived - applied)
    if behind:
        raise StateError(
            _("The database is not migrated as far as the archive (%(name)s is missing).")
            % {"name": f"{behind[0][0]}.{behind[0][1]}"},
            hint=_("run `nashr migrate`, then restore"),
        )
    ahead = sorted(applied - archived)
    if ahead:
        apps_ahead = sorted({app for app, _name in ahead})
        targets = [
            f"nashr migrate {app} {max(manifest['migrations'].get(app, []), default='zero')}"
            for app in apps_ahead
        ]
        raise StateError(
            _(
                "The archive was made by an older Nashr (%(version)s) than this database's "
                "migrations."
            )
            % {"version": manifest.get("nashr_version")},
            hint=_(
                "bring the empty database back to the archive's state (%(commands)s), "
                "restore, then run `nashr migrate`"
            )
            % {"commands": "; ".join(targets)},
        )


@dataclass(frozen=True)
class _Table:
    model: type[models.Model]
    columns: list[models.Field[Any, Any]]
    rows: int


def _plan(path: Path, manifest: dict[str, Any]) -> dict[str, _Table]:
    """The archive's models, each with its columns in the archive's order."""
    plan: dict[str, _Table] = {}
    for label, entry in manifest["models"].items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise ValidationError(
                _("The archive holds %(model)s, which this Nashr does not have.")
                % {"model": label},
                where=str(path),
                hint=_("restore with the Nashr version that made the archive"),
            ) from exc
        by_name = {column.attname: column for column in _columns(model)}
        if set(entry["columns"]) != set(by_name):
            raise ValidationError(
                _("The columns of %(model)s in the archive differ from this Nashr's.")
                % {"model": label},
                where=str(path),
                hint=_("restore with the Nashr version that made the archive"),
            )
        plan[label] = _Table(model, [by_name[name] for name in entry["columns"]], entry["rows"])
    return plan


def _check_empty() -> None:
    held = [
        f"{model._meta.label_lower} ({count})"
        for model in backed_up_models()
        if model._meta.label_lower not in SEEDED and (count := model._base_manager.count())
    ]
    if held:
        raise StateError(
            _("The database is not empty: it holds rows of %(models)s.")
            % {"models": ", ".join(held[:6]) + (" …" if len(held) > 6 else "")},
            hint=_(
                "restore only into a new database: create it, run `nashr migrate`, then "
                "restore (nothing was changed)"
            ),
        )


def _check_media_empty(root: Path) -> None:
    if root.is_dir() and any(root.iterdir()):
        raise StateError(
            _("MEDIA_ROOT is not empty."),
            where=str(root),
            hint=_("restore into an empty media folder (move this one away first)"),
        )


def _insert(table: _Table, data: bytes) -> int:
    columns = table.columns
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  names from the models only
        quote(table.model._meta.db_table),
        ", ".join(quote(column.column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    decoders = _decoders(columns)
    batch: list[list[Any]] = []
    count = 0
    with connection.cursor() as cursor:
        for line in data.splitlines():
            row = json.loads(line)
            for index, decode in decoders:
                if row[index] is not None:
                    row[index] = decode(row[index])
            batch.append(row)
            if len(batch) == INSERT_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _write_media(reader: IO[bytes], target: Path) -> str:
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as output:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            output.write(chunk)
    return digest.hexdigest()


def _load(
    path: Path,
    identities: list[Any] | None,
    sha512: bytes | None,
    manifest: dict[str, Any],
    plan: dict[str, _Table],
    staging: Path,
    progress: bool,
) -> RestoreResult:
    """The second reading: rows into the database, media into `staging`."""
    result = RestoreResult(models=len(plan))
    member_model = {
        name: label for label, entry in manifest["models"].items() for name in entry["members"]
    }
    checksums = {entry["name"]: entry["sha256"] for entry in manifest["members"]}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in plan.values():  # only what migrate made (SEEDED); the rest is empty
            cursor.execute(f"DELETE FROM {quote(table.model._meta.db_table)}")  # noqa: S608
    total = sum(table.rows for table in plan.values())
    with (
        _progress(progress, total=total, unit=" rows", desc="restoring") as bar,
        ArchiveReader(path, identities=identities, sha512=sha512) as reader,
    ):
        for info, stream in reader.members():
            if info.name == MANIFEST:
                continue
            if info.name.startswith(MEDIA_PREFIX):
                target = staging / _media_name(path, info.name)
                if _write_media(stream, target) != checksums.get(info.name):
                    raise damaged(
                        path, _("“%(name)s” changed while it was restored.") % {"name": info.name}
                    )
                result.media_files += 1
                continue
            data = stream.read()
            if hashlib.sha256(data).hexdigest() != checksums.get(info.name):
                raise damaged(
                    path, _("“%(name)s” changed while it was restored.") % {"name": info.name}
                )
            label = member_model[info.name]
            count = _insert(plan[label], data)
            result.counts[label] = result.counts.get(label, 0) + count
            result.rows += count
            bar.update(count)
    if connection.vendor == "postgresql":
        statements = connection.ops.sequence_reset_sql(
            no_style(), [table.model for table in plan.values()]
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return result


def backup_restore(
    *,
    actor: Actor,
    path: Path,
    identity: Path | None = None,
    accept_unsigned: bool = False,
    progress: bool = False,
) -> RestoreResult:
    """Restore the archive at `path` into this empty database and MEDIA_ROOT.

    First, before the archive is read: its signature (``path.sig``) by a key that
    ``NASHR_BACKUP_VERIFY_KEY`` names; `accept_unsigned` lets an archive without one
    through (the result says why it was not checked), never one whose signature is wrong.
    Then everything is checked before anything is written: the archive (complete, every
    checksum and count as the manifest says, the key if it is encrypted), its migration
    state (the same as this database's), and that the database and MEDIA_ROOT are empty.
    The rows go in in one transaction; the media files are written beside MEDIA_ROOT and
    moved into place once it commits.
    """
    _require_operator(actor, action="restore a backup")
    origin = _check_origin(path, accept_unsigned=accept_unsigned)
    identities = load_identities(identity) if identity is not None else None
    manifest = _verify(path, identities, origin.sha512, progress)
    _check_migrations(path, manifest)
    plan = _plan(path, manifest)
    _check_empty()
    media_root = Path(settings.MEDIA_ROOT)
    _check_media_empty(media_root)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".nashr-restore-", dir=media_root.parent))
    try:
        try:
            with transaction.atomic():
                result = _load(path, identities, origin.sha512, manifest, plan, staging, progress)
                # In the restored trail itself, with the restored rows or not at all.
                audit_record(
                    actor=actor,
                    action="site.restore",
                    label=path.name,
                    changes={
                        "file": path.name,
                        "created_at": str(manifest.get("created_at", "")),
                        "nashr_version": str(manifest.get("nashr_version", "")),
                        "signed_by": origin.signed_by,
                        "unverified": origin.unverified,
                        "rows": result.rows,
                        "media_files": result.media_files,
                    },
                )
        except DatabaseError as exc:
            raise StateError(
                _("The database refused the archive's rows: %(error)s") % {"error": exc},
                where=str(path),
                hint=_(
                    "nothing was restored; restore into a new database made by "
                    "`nashr migrate` with the Nashr version that made the archive"
                ),
            ) from exc
        if result.media_files:
            if media_root.is_dir():
                media_root.rmdir()  # empty, checked above
            staging.rename(media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    ContentType.objects.clear_cache()
    result.signed_by = origin.signed_by
    result.unverified = origin.unverified
    result.created_at = str(manifest.get("created_at", ""))
    return result
