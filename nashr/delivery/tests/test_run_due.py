"""One scheduler does the work set for a time: one task per moment, every kind of work in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import import_module
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.bulletins.services import bulletin_draft, bulletin_schedule
from nashr.core import schedule
from nashr.core.actors import COMMAND, Actor
from nashr.delivery.services import delivery_schedule_send
from nashr.publications import services as publications
from nashr.publications.models import Publication, Status
from nashr.testing.clock import Clock, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RUN_DUE = "nashr.core.schedule.run_due"


def test_the_three_kinds_are_registered_in_order() -> None:
    """Publications and issues are published before issues are sent, in one task."""
    assert [job.name for job in schedule.due_jobs()] == [
        "publication.publish",
        "bulletin.publish",
        "bulletin.send",
    ]


def test_a_job_after_an_unregistered_one_is_refused() -> None:
    """A job that names a predecessor not registered yet is refused, naming it."""
    job = schedule.DueJob(
        name="test.after", due=list, run=lambda *, actor, pk: True, after=("nowhere.yet",)
    )
    with pytest.raises(ValueError, match=r"nowhere\.yet"):
        schedule.due_job_register(job)
    assert "test.after" not in [j.name for j in schedule.due_jobs()]


def test_one_task_for_one_moment(
    settings: Any,
    clock: Clock,
    make_publication: Callable[..., Publication],
    make_series: Callable[..., Any],
) -> None:
    """A publication, an issue and its sending set to one time in one transaction queue one task;
    another time queues another."""
    settings.TASKS = DATABASE_TASKS
    monday = clock.current + dt.timedelta(days=3)
    draft = make_publication(status=Status.DRAFT)
    issue = bulletin_draft(
        actor=COMMAND, series=make_series(), year=2024, month=3, editorial_body="Monday's issue."
    )
    with transaction.atomic():
        publications.publication_schedule(actor=COMMAND, publication=draft, publish_at=monday)
        bulletin_schedule(actor=COMMAND, bulletin=issue, publish_at=monday)
        delivery_schedule_send(actor=COMMAND, bulletin=issue, send_at=monday)
        delivery_schedule_send(
            actor=COMMAND, bulletin=issue, send_at=monday + dt.timedelta(hours=1)
        )
    queued = DBTaskResult.objects.filter(task_path=RUN_DUE).order_by("run_after")
    assert [task.run_after for task in queued] == [monday, monday + dt.timedelta(hours=1)]
    assert DBTaskResult.objects.exclude(task_path=RUN_DUE).count() == 0


def test_a_rolled_back_savepoint_takes_its_task_with_it(
    settings: Any, clock: Clock, make_publication: Callable[..., Publication]
) -> None:
    """A time set in a savepoint that was rolled back does not stop the same time set after."""
    settings.TASKS = DATABASE_TASKS
    when = clock.current + dt.timedelta(hours=2)
    first, second = make_publication(status=Status.DRAFT), make_publication(status=Status.DRAFT)
    with transaction.atomic():
        try:
            with transaction.atomic():
                publications.publication_schedule(actor=COMMAND, publication=first, publish_at=when)
                raise RuntimeError("the editor's change is abandoned")
        except RuntimeError:
            pass
        publications.publication_schedule(actor=COMMAND, publication=second, publish_at=when)
    assert list(DBTaskResult.objects.values_list("task_path", "run_after")) == [(RUN_DUE, when)]
    clock.set(when)
    run_worker()
    second.refresh_from_db()
    assert second.status == Status.PUBLISHED


def test_a_failing_job_holds_back_no_other(
    settings: Any,
    clock: Clock,
    make_publication: Callable[..., Publication],
    make_series: Callable[..., Any],
) -> None:
    """A job that fails leaves the others' work done, and the task reports the failure."""

    def broken(*, actor: Actor, pk: int) -> bool:
        raise RuntimeError("the disk is full")

    jobs = [schedule.DueJob(name="broken", due=lambda: [1], run=broken), *schedule.due_jobs()]
    draft = make_publication(status=Status.DRAFT)
    publications.publication_schedule(actor=COMMAND, publication=draft, publish_at=clock.current)
    issue = bulletin_draft(
        actor=COMMAND, series=make_series(), year=2024, month=3, editorial_body="An issue."
    )
    bulletin_schedule(actor=COMMAND, bulletin=issue, publish_at=clock.current)
    with pytest.raises(RuntimeError, match="the disk is full"):
        schedule.due_jobs_run(actor=COMMAND, jobs=jobs)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert Bulletin.objects.get(pk=issue.pk).status == BulletinStatus.PUBLISHED


def test_tasks_queued_under_the_old_names_run_the_scheduler(
    settings: Any, clock: Clock, make_publication: Callable[..., Publication]
) -> None:
    """A task waiting under an app's old name is pointed at `run_due`, which does its work."""
    draft = make_publication(status=Status.DRAFT)
    publications.publication_schedule(actor=COMMAND, publication=draft, publish_at=clock.current)
    settings.TASKS = DATABASE_TASKS  # set now: the schedule above queued nothing
    old = DBTaskResult.objects.create(
        task_path="nashr.publications.tasks.publish_due",
        args_kwargs={"args": [], "kwargs": {}},
        run_after=clock.current,
        backend_name="default",
    )
    migration = import_module("nashr.core.migrations.0001_scheduled_tasks_run_due")
    migration.forwards(apps, SimpleNamespace(connection=connection))
    old.refresh_from_db()
    assert old.task_path == RUN_DUE
    run_worker()
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
