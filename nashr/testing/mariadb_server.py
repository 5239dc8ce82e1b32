"""A MariaDB server of its own for a test session: loopback, a free port, data in a temp dir.

Debian's ``mariadb-server`` package gives the binaries (scripts/system-deps.sh installs
it); nothing runs as a service. As root, the server runs as the ``mysql`` user (it
refuses root). Start costs about two seconds; a test that needs it asks for the
``mariadb_url`` fixture, which skips when the binaries are missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MARIADBD = "/usr/sbin/mariadbd"
INSTALL_DB = "/usr/bin/mariadb-install-db"


def available() -> bool:
    return Path(MARIADBD).exists() and Path(INSTALL_DB).exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def mariadb_server() -> Iterator[str]:
    """A running server; yields ``mysql://root@127.0.0.1:PORT/`` (no password, loopback only)."""
    workdir = Path(tempfile.mkdtemp(prefix="nashr-mariadb-"))
    as_user: list[str] = []
    user_args: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "mysql")
        as_user = ["runuser", "-u", "mysql", "--"]
        user_args = ["--user=mysql"]
    data, socket_path, port = workdir / "data", workdir / "mysqld.sock", _free_port()
    subprocess.run(
        [*as_user, INSTALL_DB, f"--datadir={data}", "--auth-root-authentication-method=normal",
         "--skip-test-db", *user_args],
        check=True, capture_output=True,
    )  # fmt: skip
    process = subprocess.Popen(
        [*as_user, MARIADBD, "--no-defaults", f"--datadir={data}", f"--socket={socket_path}",
         f"--port={port}", "--bind-address=127.0.0.1", "--skip-grant-tables",
         "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin",
         f"--pid-file={workdir / 'mysqld.pid'}", *user_args],
        stdout=subprocess.DEVNULL, stderr=(workdir / "error.log").open("wb"),
    )  # fmt: skip
    try:
        _wait(port, process, workdir)
        yield f"mysql://root@127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait(port: int, process: subprocess.Popen[bytes], workdir: Path) -> None:
    import pymysql  # type: ignore[import-untyped]  # no stubs among the dependencies

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (workdir / "error.log").read_text(errors="replace")
            raise RuntimeError(f"mariadbd exited: {log[-2000:]}")
        try:
            pymysql.connect(host="127.0.0.1", port=port, user="root").close()
            return
        except pymysql.err.OperationalError:
            time.sleep(0.2)
    raise RuntimeError("mariadbd did not start within 60 seconds")
