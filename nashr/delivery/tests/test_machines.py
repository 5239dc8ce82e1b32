"""Several machines at once on PostgreSQL: three senders share an issue and take over a
dead one's rows after its lease; three task workers never run a task twice."""

from __future__ import annotations

import collections
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from nashr.delivery.models import Delivery, SenderLease
from nashr.delivery.tests.tasks import note_run
from nashr.delivery.tests.test_crash import NASHR, _database_for_subprocess, _env, _received

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="several machines share a PostgreSQL database (CI's PostgreSQL pass)",
    ),
]
LEASE_SECONDS = 3.0
WORKERS = 2


def _wait_for(condition: Callable[[], bool], timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.02)


def test_three_senders_share_an_issue_and_take_over_a_dead_one(
    smtp_sink, published_bulletin, make_subscribers, tmp_path
) -> None:
    """Three senders on three host names share one issue; one killed with SIGKILL has its
    rows taken over once its lease runs out (not before): everyone gets the issue, and
    duplicates stay within one per connection of the dead sender, all flagged."""
    readers = make_subscribers(published_bulletin.series, 6000)
    database_url, _file = _database_for_subprocess(tmp_path)
    command = [NASHR, "bulletin", "send", "47", "--series", "iran-bulletin"]
    command += ["--workers", str(WORKERS), "--rate", "400"]
    processes = {}
    for host in ("host-a", "host-b", "host-c"):
        env = _env(smtp_sink, database_url, tmp_path)
        env.update(NASHR_SEND_HOST=host, NASHR_SEND_LEASE_SECONDS=str(LEASE_SECONDS))
        processes[host] = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    _wait_for(lambda: SenderLease.objects.count() == 3, 120, "the senders did not start")
    victim = SenderLease.objects.get(host="host-a").key
    _wait_for(
        lambda: smtp_sink.count() >= 600 and Delivery.objects.filter(claimed_by=victim).exists(),
        30,
        "host-a never held rows",
    )
    processes["host-a"].send_signal(signal.SIGKILL)
    processes["host-a"].communicate()
    killed = time.monotonic()
    _wait_for(
        lambda: not Delivery.objects.filter(claimed_by=victim).exists(),
        LEASE_SECONDS + 5,
        "the dead sender's rows were not taken over",
    )
    taken_over = time.monotonic() - killed
    assert taken_over >= LEASE_SECONDS / 2, f"taken over after {taken_over:.1f} s: too soon"
    outputs = {host: processes[host].communicate(timeout=90) for host in ("host-b", "host-c")}
    assert [processes[h].returncode for h in outputs] == [0, 0], outputs
    received = _received(smtp_sink)
    assert set(received) == {reader.email for reader in readers}
    duplicated = {address for address, n in received.items() if n > 1}
    assert sum(n - 1 for n in received.values()) <= WORKERS
    flagged = set(
        Delivery.objects.filter(bulletin=published_bulletin, possibly_duplicated=True).values_list(
            "subscriber__email", flat=True
        )
    )
    assert duplicated <= flagged and len(flagged) <= WORKERS
    assert not SenderLease.objects.exists()


def test_three_task_workers_never_run_a_task_twice(smtp_sink, settings, tmp_path: Path) -> None:
    """Three `db_worker` processes drain 90 queued tasks: each runs once, and the work is
    shared."""
    notes = tmp_path / "runs.txt"
    database_url, _file = _database_for_subprocess(tmp_path)
    env = _env(smtp_sink, database_url, tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for number in range(90):
        note_run.enqueue(str(notes), number)
    workers = [
        subprocess.Popen(
            [NASHR, "db_worker", "--batch", "--interval", "0.05", "--no-startup-delay"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _index in range(3)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], outputs
    runs = [line.split() for line in notes.read_text().splitlines()]
    counts = collections.Counter(number for number, _pid in runs)
    assert sorted(counts) == sorted(str(n) for n in range(90))
    assert max(counts.values()) == 1
    assert len({pid for _number, pid in runs}) >= 2, "one worker did all the work"
