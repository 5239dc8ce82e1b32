"""SIGKILL of the task worker while it delivers a publication to 500 inboxes loses none:
after the restart each inbox has it, and at most the one request under way twice."""

from __future__ import annotations

import collections
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from nashr.delivery.tests.test_crash import NASHR, _database_for_subprocess
from nashr.federation.models import Follower

pytestmark = pytest.mark.django_db(transaction=True)
INBOXES = 500


class _Inboxes(BaseHTTPRequestHandler):
    counts: collections.Counter[str]
    lock = threading.Lock()
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(0.004)  # a little work per request, so the kill lands mid-run
        with self.lock:
            self.counts[self.path] += 1
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def inboxes() -> Iterator[tuple[str, collections.Counter[str]]]:
    counts: collections.Counter[str] = collections.Counter()
    handler = type("Handler", (_Inboxes,), {"counts": counts})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", counts
    finally:
        server.shutdown()
        server.server_close()


def _env(database_url: str, tmp_path: Path, settings: Any) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=database_url,
        NASHR_VAR_DIR=str(tmp_path),
        NASHR_SITE_URL="https://nashr.example",
        ALLOWED_HOSTS="nashr.example",
        NASHR_FEDERATION="1",
        NASHR_FEDERATION_ALLOW_PRIVATE="1",
        NASHR_FEDERATION_SENDING_TIMEOUT="1",
    )
    return env


def _states(database_file: Path | None) -> collections.Counter[str]:
    query = "SELECT state, possibly_duplicated FROM federation_inboxdelivery"
    if database_file is not None:
        with sqlite3.connect(database_file) as db:
            rows = list(db.execute(query))
    else:
        with connection.cursor() as cursor:
            cursor.execute(query)
            rows = cursor.fetchall()
    return collections.Counter(f"{state}{'+dup' if dup else ''}" for state, dup in rows)


def test_sigkill_during_delivery_to_500_inboxes_loses_none(
    inboxes: tuple[str, collections.Counter[str]],
    make_publication: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    """The worker killed after ~150 deliveries; `nashr federation deliver` afterwards
    takes back its 'sending' row: all 500 inboxes get the Create, at most one twice."""
    base, counts = inboxes
    settings.NASHR_FEDERATION = True
    settings.NASHR_SITE_URL = "https://nashr.example"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Follower.objects.bulk_create(
        Follower(
            language="fa",
            actor_id=f"{base}/users/{n}",
            host="127.0.0.1",
            inbox=f"{base}/inbox/{n}",
        )
        for n in range(INBOXES)
    )
    make_publication()  # queues the task (the database backend) once committed
    database_url, database_file = _database_for_subprocess(tmp_path)
    env = _env(database_url, tmp_path, settings)
    worker = subprocess.Popen(
        [NASHR, "db_worker", "--batch", "--no-startup-delay", "--interval", "0.05"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while sum(counts.values()) < 150:
        assert worker.poll() is None, worker.communicate()
        assert time.monotonic() < deadline, "the worker delivered nothing"
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.communicate()
    delivered_before = sum(counts.values())
    assert delivered_before < INBOXES, "the worker had finished before the kill"
    time.sleep(1.2)  # past NASHR_FEDERATION_SENDING_TIMEOUT
    after = subprocess.run(
        [NASHR, "federation", "deliver"], env=env, capture_output=True, text=True, timeout=180
    )
    assert after.returncode == 0, after.stderr
    assert set(counts) == {f"/inbox/{n}" for n in range(INBOXES)}
    duplicated = sum(n - 1 for n in counts.values())
    assert duplicated <= 1
    states = _states(database_file)
    assert sum(states.values()) == INBOXES
    assert set(states) <= {"sent", "sent+dup"} and states["sent+dup"] <= 1
