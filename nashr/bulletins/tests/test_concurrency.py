"""Editors publishing at the same moment get distinct, consecutive numbers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from django.db import connection

from nashr.bulletins import services
from nashr.bulletins.models import Bulletin, Series
from nashr.core.actors import COMMAND
from nashr.testing.databases import process_environment

WRITERS = 6
PROCESSES = 4  # each imports Django: keep the suite fast on two cores

# Run in separate processes: set Django up, wait for the start signal, publish one draft.
THREADS = textwrap.dedent(
    """
    import sys, threading
    import django
    django.setup()
    from django.db import connection
    from nashr.bulletins import services
    from nashr.bulletins.models import Bulletin
    from nashr.core.actors import COMMAND
    drafts = list(Bulletin.objects.filter(pk__in=[int(a) for a in sys.argv[1:]]))
    connection.close()
    barrier = threading.Barrier(len(drafts))
    numbers, errors = [], []
    def publish(draft):
        try:
            barrier.wait()
            numbers.append(services.bulletin_publish(actor=COMMAND, bulletin=draft).number)
        except BaseException as exc:
            errors.append(repr(exc))
        finally:
            connection.close()
    threads = [threading.Thread(target=publish, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    print(*numbers, sep="\\n")
    """
)
PUBLISHER = textwrap.dedent(
    """
    import os, sys, time
    import django
    django.setup()
    from nashr.bulletins import services
    from nashr.bulletins.models import Bulletin
    from nashr.core.actors import COMMAND
    start = sys.argv[2]
    open(f"{start}.ready-{sys.argv[1]}", "w").close()
    while not os.path.exists(start):
        time.sleep(0.005)
    draft = Bulletin.objects.get(pk=int(sys.argv[1]))
    bulletin = services.bulletin_publish(actor=COMMAND, bulletin=draft)
    print(bulletin.number)
    """
)


def _drafts(series: Series, make_publication) -> list[int]:
    ids = []
    for index in range(WRITERS):
        make_publication(title=f"statement {index}")
        ids.append(services.bulletin_draft(actor=COMMAND, series=series, year=2023, month=11).pk)
    return ids


@pytest.mark.django_db(transaction=True)
def test_threads_publishing_at_once_get_distinct_numbers(
    english_series, make_publication, tmp_path
):
    """Six threads publishing six drafts at the same instant get 47 to 52, once each.

    The threads run in a child process on a database file (or the PostgreSQL test
    database): the test runner's in-memory SQLite uses a shared cache, whose table locks
    fail at once instead of waiting as SQLite does for a real file.
    """
    ids = _drafts(english_series, make_publication)
    result = subprocess.run(
        [sys.executable, "-c", THREADS, *map(str, ids)],
        env=process_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    numbers = sorted(int(line) for line in result.stdout.split())
    assert numbers == list(range(47, 47 + WRITERS))
    if connection.vendor == "postgresql":
        stored = Bulletin.objects.filter(series=english_series).values_list("number", flat=True)
        assert sorted(stored) == numbers
        english_series.refresh_from_db()
        assert english_series.last_number == 46 + WRITERS


@pytest.mark.django_db(transaction=True)
def test_processes_publishing_at_once_get_distinct_numbers(
    english_series, make_publication, tmp_path
):
    """Four processes, each with its own connection, publishing at once get 47 to 50."""
    ids = _drafts(english_series, make_publication)[:PROCESSES]
    start = tmp_path / "go"
    env = process_environment(tmp_path)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PUBLISHER, str(pk), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pk in ids
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready-*"))) < PROCESSES and time.monotonic() < deadline:
        time.sleep(0.02)  # every process has imported Django and waits at the start line
    start.touch()
    outputs = [process.communicate(timeout=60) for process in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    numbers = sorted(int(stdout) for stdout, _ in outputs)
    assert numbers == list(range(47, 47 + PROCESSES))
