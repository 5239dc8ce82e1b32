"""Work done at a set time: the one scheduler of publishing and sending.

Each kind of scheduled work is a `DueJob` that its app registers from its
`AppConfig.ready()`: a name, a query of the ids whose time has come, and the function
that does the work for one of them (keyword-only `actor` and `pk`; it checks again,
in its own transaction, that the work is still due, and says whether it did it).

A service that sets a time checks it with `check_not_past(when)` (a time already gone
would have the work done at once, as of that time: a typo in the month would publish a
statement immediately, back-dated) and calls `run_due_at(when)`. Once the transaction
commits, one task, `run_due`, is queued to run at that time; several times set to the
same moment in one transaction queue it once. The task runs every registered job in the
order they were registered, each over everything due by then: a worker back after a
downtime catches up with all it missed in its first run, and a time moved later leaves
the task queued for the old one with nothing to do. A job that must follow another (an issue is
sent once it is published) names it in `after`, and is refused if registered first.

A backend that runs tasks at once (the tests', a development setup) cannot wait: there
nothing is queued, and the next run of `run_due` catches up with what is due.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from nashr.core.actors import TASKS, Actor
from nashr.core.calendars import format_datetime
from nashr.core.exceptions import ValidationError
from nashr.core.languages import current_language
from nashr.core.registry import Registry

logger = logging.getLogger(__name__)

# How long ago a time set for scheduled work may be: the minute on the clock when the
# editor typed it, and the time it took to save the form.
PAST_TOLERANCE = dt.timedelta(minutes=5)


class DueWork(Protocol):
    def __call__(self, *, actor: Actor, pk: int) -> bool: ...


@dataclass(frozen=True)
class DueJob:
    """One kind of work done at a set time (the name is the audit trail's, `bulletin.send`)."""

    name: str
    due: Callable[[], Iterable[int]]
    run: DueWork
    after: tuple[str, ...] = ()


DUE_JOBS: Registry[DueJob] = Registry("scheduled job")


def due_job_register(job: DueJob) -> None:
    """Add `job` to the scheduler, after every job it names in `after` (see core.registry)."""
    DUE_JOBS.register(job)


def due_jobs() -> list[DueJob]:
    """The registered jobs, in the order `run_due` runs them."""
    return list(DUE_JOBS)


def due_jobs_run(*, actor: Actor, jobs: Iterable[DueJob] | None = None) -> dict[str, list[int]]:
    """Do everything whose time has come (for `jobs`, by default the registered ones); the
    ids each job did its work for.

    A job that fails does not hold back the ones after it (each did its own task before
    there was one scheduler); the first failure is raised once all have run.
    """
    done: dict[str, list[int]] = {}
    failure: Exception | None = None
    for job in due_jobs() if jobs is None else jobs:
        try:
            done[job.name] = [pk for pk in list(job.due()) if job.run(actor=actor, pk=pk)]
        except Exception as exc:
            logger.exception("scheduled job %s failed", job.name)
            failure = failure or exc
    if failure is not None:
        raise failure
    return done


@task()
def run_due() -> dict[str, list[int]]:
    """The worker's task: everything whose time has come, done by `system:tasks`."""
    return due_jobs_run(actor=TASKS)


class _Enqueue:
    """The callback that queues `run_due` for `when` after the commit."""

    def __init__(self, when: dt.datetime) -> None:
        self.when = when

    def __call__(self) -> None:
        backend = run_due.get_backend()
        if backend.supports_defer:
            run_due.using(run_after=self.when).enqueue()


def run_due_at(when: dt.datetime) -> None:
    """Have `run_due` run at `when`, once the current transaction commits.

    Asked twice for one moment in a transaction, it queues once: the callbacks waiting
    for the commit are looked through (a savepoint rolled back takes its own with it).
    """
    # Each entry is (savepoint ids, callback, robust); the stubs know of two of the three.
    waiting = (entry[1] for entry in connection.run_on_commit)
    if any(isinstance(func, _Enqueue) and func.when == when for func in waiting):
        return
    transaction.on_commit(_Enqueue(when))


def check_not_past(when: dt.datetime | None, *, where: str, hint: str) -> None:
    """Refuse `when` if it was more than `PAST_TOLERANCE` ago, naming the time as the
    current language writes it (calendar and digits) and the time it is now; `hint` says
    how to do the work now instead."""
    now = timezone.now()
    if when is None or when >= now - PAST_TOLERANCE:
        return
    language = current_language()
    raise ValidationError(
        _("%(when)s has already passed: it is now %(now)s.")
        % {"when": format_datetime(when, language), "now": format_datetime(now, language)},
        where=where,
        hint=hint,
    )
