"""kill -9 at random moments, and two senders at once: nobody missed, duplicates bounded."""

from __future__ import annotations

import collections
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

NASHR = str(Path(sys.executable).with_name("nashr"))
WORKERS = 2


def _database_for_subprocess(tmp_path: Path) -> tuple[str, Path | None]:
    """A DATABASE_URL another process can open: the test database itself, or a file copy."""
    if connection.vendor == "sqlite":
        path = tmp_path / "send.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return f"sqlite:///{path}", path
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}", None


def _env(smtp_sink, database_url: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=database_url,
        NASHR_VAR_DIR=str(tmp_path),
        NASHR_SITE_URL="https://nashr.example",
        ALLOWED_HOSTS="nashr.example",  # the site's host must be allowed (nashr.E002)
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=smtp_sink.host,
        EMAIL_PORT=str(smtp_sink.port),
        DEFAULT_FROM_EMAIL="bulletin@nashr.example",
    )
    return env


def _flagged(database_file: Path | None, bulletin_id: int) -> set[str]:
    """Addresses whose delivery is marked possibly duplicated."""
    query = (
        "SELECT s.email FROM delivery_delivery d JOIN subscribers_subscriber s"
        " ON s.id = d.subscriber_id WHERE d.bulletin_id = %s AND d.possibly_duplicated"
    )
    if database_file is not None:
        with sqlite3.connect(database_file) as db:
            return {row[0] for row in db.execute(query.replace("%s", "?"), [bulletin_id])}
    with connection.cursor() as cursor:
        cursor.execute(query, [bulletin_id])
        return {row[0] for row in cursor.fetchall()}


def _received(smtp_sink) -> collections.Counter[str]:
    with smtp_sink.lock:
        return collections.Counter(r.lower() for m in smtp_sink.messages for r in m.rcpt_tos)


def test_kill_9_at_random_moments(
    smtp_sink, published_bulletin, make_subscribers, tmp_path
) -> None:
    """Killed 6 times and restarted, the sender reaches everyone; duplicates ≤ 1 per connection
    per kill, and every duplicate is among those the summary counts as possibly duplicated."""
    readers = make_subscribers(published_bulletin.series, 3000)
    database_url, database_file = _database_for_subprocess(tmp_path)
    env = _env(smtp_sink, database_url, tmp_path)
    command = [NASHR, "bulletin", "send", "47", "--series", "iran-bulletin"]
    command += ["--workers", str(WORKERS)]
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    kills = 0
    started = time.monotonic()
    while kills < 6:
        before = smtp_sink.count()
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if kills == 0:
            # Anywhere from start-up through queueing to the first messages (the whole
            # send takes about a second).
            time.sleep(rng.uniform(0.05, 0.6))
        else:
            target = before + rng.randint(1, 350)
            deadline = time.monotonic() + 20
            while smtp_sink.count() < target and process.poll() is None:
                assert time.monotonic() < deadline, f"no progress (seed {seed})"
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.005))
        assert process.poll() is None, f"finished before kill {kills + 1} (seed {seed})"
        process.send_signal(signal.SIGKILL)
        process.communicate()
        kills += 1
    assert smtp_sink.count() < len(readers), "the kills came after the end"

    final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert final.returncode == 0, final.stderr
    received = _received(smtp_sink)
    assert set(received) == {r.email for r in readers}, f"someone missed it (seed {seed})"
    duplicated = {address for address, n in received.items() if n > 1}
    extra = sum(n - 1 for n in received.values())
    assert extra <= kills * WORKERS, f"{extra} duplicates after {kills} kills (seed {seed})"
    flagged = _flagged(database_file, published_bulletin.pk)
    assert duplicated <= flagged
    assert len(flagged) <= kills * WORKERS
    reported = re.search(r"possibly duplicated: (\d+)", final.stdout)
    assert reported and int(reported.group(1)) == len(flagged), final.stdout
    assert "sent: 3000 " in final.stdout
    assert time.monotonic() - started < 60


@pytest.mark.postgres_only
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SKIP LOCKED claims between processes: PostgreSQL only (CI's PostgreSQL pass)",
)
def test_two_senders_at_once_send_each_message_once(
    smtp_sink, published_bulletin, make_subscribers, tmp_path
) -> None:
    """Two `send` commands started together share the work and never send a message twice."""
    readers = make_subscribers(published_bulletin.series, 4000)
    database_url, _file = _database_for_subprocess(tmp_path)
    env = _env(smtp_sink, database_url, tmp_path)
    command = [NASHR, "bulletin", "send", "47", "--series", "iran-bulletin", "--workers", "2"]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    received = _received(smtp_sink)
    assert set(received) == {r.email for r in readers}
    assert max(received.values()) == 1
    shares = [int(m.group(1)) for out, _err in outputs if (m := re.search(r"\((\d+) in this", out))]
    assert len(shares) == 2 and sum(shares) == 4000
    assert min(shares) > 0, shares  # both really worked at the same time
