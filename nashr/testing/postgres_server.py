"""A throwaway PostgreSQL 15 server on 127.0.0.1, for tests that need one of their own.

Started from Debian's binaries (/usr/lib/postgresql/15/bin) with its data in a temporary
folder, trust authentication for the user ``nashr``, and durability off (a test server
loses nothing worth keeping). As root, PostgreSQL refuses to run: it is then run as the
``postgres`` user, as .ci/run does. ``postgres_server`` is a session fixture (one server
for the whole run); tests make databases on it with ``create_database``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One server: start(), then URLs of databases made on it, then stop()."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="nashr-test-pg."))
        self.as_pg: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]

    def start(self, *, durable: bool = False) -> PostgresServer:
        """Durable: the server's defaults (fsync, synchronous_commit), as benchmarks of
        commit-bound work need; tests leave durability off."""
        data = self.folder / "data"
        subprocess.run(
            [*self.as_pg, BIN / "initdb", "-D", data, "-U", "nashr", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [*self.as_pg, BIN / "pg_ctl", "-D", data, "-l", self.folder / "log", "-w",
             "-o", options, "start"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgres://nashr@127.0.0.1:{self.port}/{database}"

    def execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(statement)

    def create_database(self, name: str, *, template: str = "template1") -> str:
        """A new database `name` copied from `template`; returns its URL."""
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [*self.as_pg, BIN / "pg_ctl", "-D", self.folder / "data", "-m", "fast", "-w",
             "stop"],
            check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL 15 server of the test session's own (the test fails where none is installed)."""
    if not (BIN / "pg_ctl").exists():
        pytest.fail(
            "PostgreSQL 15 is not installed: make test installs it (scripts/system-deps.sh)"
        )
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()
