"""A site in a temporary folder served by `nashr serve`, for tests and bench/serve.py.

`SiteFolder` makes the folder (SQLite database, collected static files, cache) with the
production settings, runs `nashr` commands in it, starts `nashr serve` on a free port
(`served`), and runs Python code in it through one long-lived process (`editor`), so that
a test changes content through the services as an editor would, in another process than
the server's workers, and then reads the pages over HTTP.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NASHR = REPO / ".venv" / "bin" / "nashr"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, *, process: subprocess.Popen[Any], timeout: float = 120) -> None:
    # Generous: on a machine busy with other test runs, loading Django in each worker
    # has taken more than 30 s.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server ended with code {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM (a graceful stop for gunicorn and granian), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Run by the editor process: one JSON line in (code), one JSON line out (result or error).
EDITOR = textwrap.dedent(
    """
    import json, sys, traceback
    import django
    django.setup()
    namespace = {}
    for line in sys.stdin:
        try:
            exec(json.loads(line), namespace)
            answer = {"result": repr(namespace.pop("result", None))}
        except Exception:
            answer = {"error": traceback.format_exc()}
        sys.stdout.write(json.dumps(answer) + "\\n")
        sys.stdout.flush()
    """
)


@dataclass
class Editor:
    """Python run inside the site (its settings, its database), one snippet at a time."""

    process: subprocess.Popen[str]

    def run(self, code: str) -> str:
        """Execute `code`; returns repr() of the variable `result` it sets, if any."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(textwrap.dedent(code)) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise AssertionError(f"in the site's editor:\n{answer['error']}")
        return str(answer["result"])


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers with lower-case names, body) of a GET, redirects not followed."""
        request = urllib.request.Request(self.url + path, headers=headers or {})  # noqa: S310
        try:
            with _OPENER.open(request, timeout=30) as response:
                return response.status, _lower(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, _lower(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


@dataclass
class SiteFolder:
    """A site with the production settings, its data in `directory`."""

    directory: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "PYTEST"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY="serve-test-key-" + "s" * 50,
            NASHR_VAR_DIR=str(self.directory),
            DATABASE_URL=f"sqlite:///{self.directory / 'nashr.sqlite3'}",
            # Plain HTTP on loopback: no TLS in front of it here.
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PYTHONPATH=str(REPO),
        )
        env.update(self.extra_env)
        return env

    def nashr(self, *args: str) -> str:
        done = subprocess.run(
            [str(NASHR), *args], env=self.env, cwd=REPO, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise AssertionError(f"nashr {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def prepare(self, *, admin_static: bool = True) -> None:
        """Migrate and collect the static files (compressed, hashed).

        Without the admin's static files (most of them) when no test opens the admin:
        compressing them all takes a minute on a busy machine.
        """
        self.nashr("migrate", "--noinput", "-v", "0")
        ignore = () if admin_static else ("--ignore", "admin")
        self.nashr("collectstatic", "--noinput", "-v", "0", *ignore)

    def using(self, **env: str) -> SiteFolder:
        """The same folder with more environment (another cache, say)."""
        return SiteFolder(self.directory, {**self.extra_env, **env})

    @contextmanager
    def served(self, *, workers: int | None = 2, server: str = "granian") -> Iterator[Served]:
        """`nashr serve` on a free port, its output in `log_of(url)`; `workers` None: its
        default number."""
        port = free_port()
        log = (self.directory / f"serve-{port}.log").open("wb")
        worker_option = [] if workers is None else ["--workers", str(workers)]
        process = subprocess.Popen(
            [str(NASHR), "serve", "--port", str(port), *worker_option, "--server", server],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, process=process)
            yield Served(url=f"http://127.0.0.1:{port}", process=process)
        finally:
            stop(process)
            log.close()

    def log_of(self, served: Served) -> str:
        """What the server of `served` has printed so far."""
        port = served.url.rpartition(":")[2]
        return (self.directory / f"serve-{port}.log").read_text(errors="replace")

    @contextmanager
    def editor(self) -> Iterator[Editor]:
        process = subprocess.Popen(
            [sys.executable, "-c", EDITOR],
            env=self.env,
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            yield Editor(process)
        finally:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=30)


@contextmanager
def site_folder(**extra_env: str) -> Iterator[SiteFolder]:
    with tempfile.TemporaryDirectory(prefix="nashr-site-") as directory:
        yield SiteFolder(Path(directory), dict(extra_env))
