"""Queueing a task for a set time, the one way every scheduled action does it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks.base import Task


def enqueue_at(task: Task[Any, Any], when: dt.datetime) -> None:
    """Queue `task` to run at `when`, on a backend that can wait.

    A backend that runs tasks at once (the tests', a development setup) cannot; there
    nothing is queued, and a later run of the same task catches up with what is due.
    """
    if task.get_backend().supports_defer:
        task.using(run_after=when).enqueue()
