"""The task worker killed with SIGKILL while it posts: nothing lost, duplicates bounded."""

from __future__ import annotations

import collections
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Status
from nashr.telegram.services import channel_link
from nashr.telegram.tests.conftest import FA_CHANNEL, TOKEN

pytestmark = pytest.mark.django_db(transaction=True)

NASHR = str(Path(sys.executable).with_name("nashr"))
PUBLICATIONS = 300
KILLS = 5


def _database_for_subprocess(tmp_path: Path) -> tuple[str, Path | None]:
    """A DATABASE_URL the workers can open: the test database itself, or a file copy."""
    if connection.vendor == "sqlite":
        path = tmp_path / "posts.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return f"sqlite:///{path}", path
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}", None


def _env(api_url: str, database_url: str, tmp_path: Path, secret_key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        SECRET_KEY=secret_key,
        DATABASE_URL=database_url,
        NASHR_VAR_DIR=str(tmp_path),
        NASHR_SITE_URL="https://nashr.example",
        ALLOWED_HOSTS="nashr.example",  # the site's host must be allowed (nashr.E002)
        NASHR_TELEGRAM_BOT_TOKEN=TOKEN,
        NASHR_TELEGRAM_API_URL=api_url,
        NASHR_TELEGRAM_INTERVAL="0",
        NASHR_TELEGRAM_LEASE_SECONDS="1",
        LOG_LEVEL="DEBUG",  # every log line there is, searched for the token below
    )
    return env


def _flagged(database_file: Path | None) -> set[int]:
    """Publications whose post is marked possibly duplicated."""
    query = "SELECT publication_id FROM telegram_post WHERE possibly_duplicated"
    if database_file is not None:
        with sqlite3.connect(database_file) as db:
            return {row[0] for row in db.execute(query)}
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {row[0] for row in cursor.fetchall()}


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A task worker writing its output to `log` (a pipe nobody reads would fill and stop it)."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [NASHR, "db_worker", "--interval", "0.05", "--no-startup-delay"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_worker_killed_5_times_while_posting_300(
    bot_api, make_publication, settings, tmp_path
) -> None:
    """Killed with SIGKILL 5 times and started again, the task worker posts every one of 300
    publications, in order of publishing; at most one is posted twice per kill, and each
    such one is among those marked possibly duplicated. No log line holds the token."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    bot_api.delay = 0.002  # a few milliseconds an answer, as over a network
    channel_link(actor=COMMAND, target="fa", chat=FA_CHANNEL)
    drafts = [
        make_publication(title=f"بیانیه {n}", status=Status.DRAFT) for n in range(PUBLICATIONS)
    ]
    with transaction.atomic():
        for draft in drafts:
            services.publication_publish(actor=COMMAND, publication=draft)
    title_of = {draft.pk: f"بیانیه {n}" for n, draft in enumerate(drafts)}
    database_url, database_file = _database_for_subprocess(tmp_path)
    env = _env(settings.NASHR_TELEGRAM_API_URL, database_url, tmp_path, settings.SECRET_KEY)
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    started = time.monotonic()
    log = tmp_path / "worker.log"
    for kill in range(KILLS):
        before = bot_api.posted()
        worker = _worker(env, log)
        target = before + rng.randint(1, 40)
        deadline = time.monotonic() + 20
        while bot_api.posted() < target and worker.poll() is None:
            assert time.monotonic() < deadline, f"no progress before kill {kill + 1} (seed {seed})"
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.005))
        assert worker.poll() is None, f"the worker ended before kill {kill + 1} (seed {seed})"
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert bot_api.posted() < PUBLICATIONS, "the kills came after the end"
    last = _worker(env, log)
    deadline = time.monotonic() + 40
    while len({m.plain for m in bot_api.channel(FA_CHANNEL)}) < PUBLICATIONS:
        assert time.monotonic() < deadline, f"not everything arrived (seed {seed})"
        assert last.poll() is None, log.read_text()[-3000:]
        time.sleep(0.05)
    time.sleep(0.3)  # anything still on its way
    last.send_signal(signal.SIGTERM)
    last.wait(timeout=30)

    titles = [m.plain.split("\n")[0] for m in bot_api.channel(FA_CHANNEL)]
    received = collections.Counter(titles)
    assert set(received) == set(title_of.values()), f"a publication is missing (seed {seed})"
    first_seen = list(dict.fromkeys(titles))
    assert first_seen == [title_of[d.pk] for d in drafts], f"out of order (seed {seed})"
    extra = sum(n - 1 for n in received.values())
    assert extra <= KILLS, f"{extra} duplicates after {KILLS} kills (seed {seed})"
    duplicated = {title for title, n in received.items() if n > 1}
    flagged = {title_of[pk] for pk in _flagged(database_file)}
    assert duplicated <= flagged and len(flagged) <= KILLS
    logged = log.read_text()
    assert "sendMessage" in logged  # the log is there, at DEBUG
    assert TOKEN not in logged and TOKEN.partition(":")[2] not in logged
    assert time.monotonic() - started < 90
    print(
        f"\nSIGKILL: {PUBLICATIONS} publications, {KILLS} kills, {len(titles)} messages, "
        f"{extra} duplicated, {len(flagged)} flagged possibly duplicated (seed {seed})"
    )
