"""Rate limits: exactly the limit passes, however many workers count at once."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from nashr.core import ratelimit
from nashr.core.models import RateCount
from nashr.testing.clock import Clock
from nashr.testing.databases import process_environment

LIMIT = 5
PROCESSES = 3  # each imports Django: keep the suite quick on two cores
THREADS = 4

# One worker process: set Django up, wait for the start line, then count one attempt per
# thread, all threads at once; print one line per attempt that passed.
WORKER = textwrap.dedent(
    f"""
    import os, sys, threading, time
    import django
    django.setup()
    from django.db import connection
    from nashr.core import ratelimit
    start = sys.argv[2]
    open(f"{{start}}.ready-{{sys.argv[1]}}", "w").close()
    while not os.path.exists(start):
        time.sleep(0.005)
    barrier = threading.Barrier({THREADS})
    passed, errors = [], []
    def attempt():
        try:
            barrier.wait()
            if ratelimit.hit(namespace="test", kind="post", value="one client",
                             limit={LIMIT}, window=3600):
                passed.append(1)
        except BaseException as exc:
            errors.append(repr(exc))
        finally:
            connection.close()
    threads = [threading.Thread(target=attempt) for _ in range({THREADS})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    print(*passed, sep="\\n")
    """
)


@pytest.mark.django_db(transaction=True)
def test_workers_hitting_a_limit_at_once_pass_exactly_the_limit(tmp_path: Path) -> None:
    """Twelve attempts at once, from three processes of four threads each, let exactly five
    through: the count is the database's, not each worker's or a racy file's."""
    start = tmp_path / "go"
    env = process_environment(tmp_path)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(number), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(PROCESSES)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready-*"))) < PROCESSES and time.monotonic() < deadline:
        time.sleep(0.02)  # every process has imported Django and waits at the start line
    start.touch()
    outputs = [process.communicate(timeout=60) for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    assert sum(len(stdout.split()) for stdout, _ in outputs) == LIMIT


@pytest.mark.django_db
def test_a_window_counts_to_its_limit_then_starts_again() -> None:
    """Past the limit attempts are refused until the window ends; the next one starts anew."""
    now = timezone.now()
    attempts = [
        ratelimit.hit(namespace="test", kind="post", value="v", limit=2, window=60, now=now)
        for _ in range(3)
    ]
    assert attempts == [True, True, False]
    later = now + dt.timedelta(seconds=60)
    assert ratelimit.hit(namespace="test", kind="post", value="v", limit=2, window=60, now=later)
    assert RateCount.objects.get().count == 1


@pytest.mark.django_db
def test_reset_forgets_one_key_only() -> None:
    """A reset key counts from one again; another key keeps its count."""
    for value in ("a", "b"):
        ratelimit.hit(namespace="test", kind="post", value=value, limit=1, window=60)
    ratelimit.reset(namespace="test", kind="post", value="a")
    assert ratelimit.hit(namespace="test", kind="post", value="a", limit=1, window=60)
    assert not ratelimit.hit(namespace="test", kind="post", value="b", limit=1, window=60)


@pytest.mark.django_db
def test_purge_deletes_the_counts_whose_window_ended(clock: Clock) -> None:
    """`nashr ratelimits purge` deletes ended windows and keeps the running ones."""
    ratelimit.hit(namespace="test", kind="post", value="old", limit=1, window=60)
    ratelimit.hit(namespace="test", kind="post", value="new", limit=1, window=3600)
    clock.advance(seconds=120)
    call_command("ratelimits", "purge", verbosity=0)
    [kept] = RateCount.objects.all()
    assert kept.window_ends_at == clock.current + dt.timedelta(seconds=3600 - 120)
