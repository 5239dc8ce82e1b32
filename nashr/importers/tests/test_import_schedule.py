"""A WordPress post scheduled on the old site is published here at its time by the worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from nashr.importers.models import ImportedItem
from nashr.publications.models import Status
from nashr.testing.clock import Clock, run_worker
from nashr.testing.wxr import Post, wxr

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_imported_future_post_publishes_itself(
    settings: pytest.FixtureRequest, clock: Clock, tmp_path: Any, kinds: Any
) -> None:
    """A WordPress `future` post is imported unpublished and the worker publishes it at its time."""
    settings.TASKS = DATABASE_TASKS  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    export = tmp_path / "export.xml"
    post = Post(
        31,
        "بیانیه آینده",
        "<p>بعداً</p>",
        status="future",
        date="2024-03-18 12:00:00",
        date_gmt="2024-03-18 08:30:00",
        meta={"_icl_lang_code": "fa"},
    )
    export.write_text(wxr([post]), encoding="utf-8")
    call_command("import", str(export), verbosity=0)
    publication = ImportedItem.objects.get(source="wordpress", source_id="31").publication
    assert publication.status == Status.DRAFT

    clock.set(dt.datetime(2024, 3, 18, 8, 29, tzinfo=dt.UTC))
    run_worker()
    publication.refresh_from_db()
    assert publication.status == Status.DRAFT

    clock.set(dt.datetime(2024, 3, 18, 8, 30, tzinfo=dt.UTC))
    run_worker()
    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHED


def test_imported_post_whose_time_has_passed_is_published_back_dated(
    settings: pytest.FixtureRequest, clock: Clock, tmp_path: Any, kinds: Any
) -> None:
    """A `future` post imported after its time is not refused as a typo: the worker
    publishes it at once, bearing the old site's time (as the old site would have)."""
    settings.TASKS = DATABASE_TASKS  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    export = tmp_path / "export.xml"
    post = Post(
        31,
        "بیانیه دیرکرده",
        "<p>دیر</p>",
        status="future",
        date="2024-03-01 12:00:00",
        date_gmt="2024-03-01 08:30:00",
        meta={"_icl_lang_code": "fa"},
    )
    export.write_text(wxr([post]), encoding="utf-8")
    call_command("import", str(export), verbosity=0)
    run_worker()
    publication = ImportedItem.objects.get(source="wordpress", source_id="31").publication
    assert publication.status == Status.PUBLISHED
    assert publication.published_at == dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)
