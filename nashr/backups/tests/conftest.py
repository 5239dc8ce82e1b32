"""Session fixtures of the backup tests: migrated empty databases to copy, the signing key
every site shares (as a server restoring its own backups would), and the source site
(demo content plus populate.py's) with its archive, each built once."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyrage import x25519  # type: ignore[import-untyped]  # pyrage ships no type information

from nashr.backups.tests.sites import Site, make_signing_key
from nashr.testing.postgres_server import PostgresServer, postgres_server

__all__ = ["postgres_server"]

_numbers = itertools.count()


@pytest.fixture(scope="session")
def backups_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="nashr-backup-tests."))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def migrated_sqlite(backups_folder: Path) -> Path:
    """A SQLite database as `nashr migrate` leaves it, to copy for each new site."""
    site = Site(f"sqlite:///{backups_folder / 'migrated.sqlite3'}", backups_folder / "var0")
    site.nashr("migrate", "--noinput")
    return backups_folder / "migrated.sqlite3"


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    """An age key pair: the secret key's file and the public key's."""
    identity = x25519.Identity.generate()
    secret = tmp_path / "backup.key"
    secret.write_text(f"# public key: {identity.to_public()}\n{identity}\n")
    public = tmp_path / "backup.pub"
    public.write_text(f"{identity.to_public()}\n")
    return secret, public


@pytest.fixture(scope="session")
def site_keys(backups_folder: Path) -> dict[str, str]:
    """The settings of a site that signs its backups and trusts its own signature."""
    public = make_signing_key(backups_folder / "signing.key")
    return {
        "NASHR_BACKUP_SIGNING_KEY_FILE": str(backups_folder / "signing.key"),
        "NASHR_BACKUP_VERIFY_KEY": public,
        # What the backup unit encrypts to (an archive for nobody's key: not used here).
        "NASHR_BACKUP_RECIPIENT": str(x25519.Identity.generate().to_public()),
    }


@pytest.fixture
def new_sqlite_site(migrated_sqlite: Path, backups_folder: Path, site_keys: dict[str, str]):
    """A factory of new, migrated, empty SQLite sites (with the sites' backup keys)."""

    def make() -> Site:
        number = next(_numbers)
        database = backups_folder / f"site{number}.sqlite3"
        shutil.copyfile(migrated_sqlite, database)
        return Site(f"sqlite:///{database}", backups_folder / f"var{number}", dict(site_keys))

    return make


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: PostgresServer) -> str:
    """The name of a migrated PostgreSQL database, the template of each new site."""
    url = postgres_server.create_database("migrated")
    Site(url, Path(tempfile.gettempdir()) / "unused").nashr("migrate", "--noinput")
    return "migrated"


@pytest.fixture
def new_postgres_site(
    postgres_server: PostgresServer,
    migrated_postgres: str,
    backups_folder: Path,
    site_keys: dict[str, str],
):
    """A factory of new, migrated, empty PostgreSQL sites (with the sites' backup keys)."""

    def make() -> Site:
        number = next(_numbers)
        url = postgres_server.create_database(f"site{number}", template=migrated_postgres)
        return Site(url, backups_folder / f"var{number}", dict(site_keys))

    return make


@pytest.fixture(scope="session")
def source_site(migrated_sqlite: Path, backups_folder: Path, site_keys: dict[str, str]) -> Site:
    """A SQLite site with the demo content and populate.py's subscribers and staff."""
    database = backups_folder / "source.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    site = Site(f"sqlite:///{database}", backups_folder / "source-var", dict(site_keys))
    site.nashr("demo")
    site.python("from nashr.backups.tests.populate import populate\npopulate()")
    return site


@pytest.fixture(scope="session")
def source_archive(source_site: Site, backups_folder: Path) -> Path:
    """The archive of the source site, made by `nashr backup`."""
    archive = backups_folder / "source.tar.gz"
    source_site.nashr("backup", str(archive), "--unencrypted")
    return archive
