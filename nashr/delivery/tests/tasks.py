"""A task for the worker tests: it notes each run in a file, to count them."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def note_run(path: str, number: int) -> int:
    """Append this run (the task's number, the worker's pid) as one line to `path`."""
    time.sleep(0.01)  # long enough for the workers to overlap
    with open(path, "a", encoding="ascii") as notes:
        notes.write(f"{number} {os.getpid()}\n")
    return number
