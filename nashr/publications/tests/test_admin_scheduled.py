"""A scheduled publication is visibly scheduled: in the list, its filter, the message after
saving, the preview; its ready translations go with it; its page shows the day chosen."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from nashr.audit.models import AuditEntry
from nashr.core.actors import COMMAND
from nashr.core.schedule import run_due
from nashr.publications import services
from nashr.publications.models import DateShown, Publication, Status
from nashr.testing.clock import Clock

pytestmark = pytest.mark.django_db

ADMIN = "/fa/admin/publications/publication/"
# The clock stands at 2024-03-18 06:00 UTC: 1402/12/28 09:30 in Tehran (the site's zone).
TOMORROW = "۱۴۰۲/۱۲/۲۹"
TOMORROW_NINE = dt.datetime(2024, 3, 19, 5, 30, tzinfo=dt.UTC)
# How the Persian admin writes that moment.
SHOWN = "۲۹ اسفند ۱۴۰۲ ۰۹:۰۰"


@pytest.fixture
def editor_client(make_staff: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_staff("editor"))
    return client


def _form(publication: Publication, **changes: object) -> dict[str, object]:
    """The change form of `publication` as posted unchanged, with `changes`."""
    form: dict[str, object] = {
        "kind": publication.kind_id,
        "title": publication.title,
        "slug": publication.slug,
        "summary": publication.summary,
        "body": publication.body,
        "signatory": publication.signatory_id or "",
        "date": "۱۴۰۲/۰۸/۰۹",
        "date_shown": publication.date_shown,
        "status": publication.status,
        "publish_at_0": "",
        "publish_at_1": "",
        "source_url": "",
        "legacy_path": "",
    }
    form.update(changes)
    return form


@pytest.fixture
def draft(make_publication: Callable[..., Publication]) -> Publication:
    return make_publication(status=Status.DRAFT, title="بیانیه‌ی فردا")


@pytest.fixture
def translation(draft: Publication) -> Publication:
    return services.translation_create(
        actor=COMMAND, original=draft, language="en", title="Tomorrow's statement"
    )


def _schedule(client: Client, publication: Publication) -> Any:
    return client.post(
        f"{ADMIN}{publication.pk}/change/",
        _form(publication, publish_at_0=TOMORROW, publish_at_1="۰۹:۰۰"),
        follow=True,
    )


def test_saving_a_schedule_names_its_time(
    editor_client: Client, draft: Publication, clock: Clock
) -> None:
    """The message after saving says when it will be published, in Persian."""
    response = _schedule(editor_client, draft)
    draft.refresh_from_db()
    assert draft.publish_at == TOMORROW_NINE
    said = [str(message) for message in response.context["messages"]]
    assert any(SHOWN in message for message in said), said


def test_the_list_shows_and_filters_the_scheduled(
    editor_client: Client,
    draft: Publication,
    make_publication: Callable[..., Publication],
    clock: Clock,
) -> None:
    """The list says a scheduled draft is scheduled and for when; the "scheduled" filter
    lists it and not an unscheduled draft."""
    other = make_publication(status=Status.DRAFT, title="پیش‌نویس بی‌زمان")
    services.publication_schedule(actor=COMMAND, publication=draft, publish_at=TOMORROW_NINE)
    listing = editor_client.get(ADMIN).content.decode()
    assert SHOWN in listing
    scheduled = editor_client.get(ADMIN, {"state": "scheduled"}).content.decode()
    assert draft.title in scheduled
    assert other.title not in scheduled


def test_the_two_times_have_different_labels(
    editor_client: Client, draft: Publication, clock: Clock
) -> None:
    """The time the worker will publish it and the time it went public are not both called
    «زمان انتشار»."""
    page = editor_client.get(f"{ADMIN}{draft.pk}/change/").content.decode()
    labels = {
        name: re.search(rf'field-{name}">.*?<label[^>]*>([^<]*)</label>', page, re.S)
        for name in ("publish_at", "published_on")
    }
    assert labels["publish_at"] is not None and labels["published_on"] is not None
    assert labels["publish_at"].group(1) != labels["published_on"].group(1)


def test_the_preview_says_scheduled_for_when(
    editor_client: Client, draft: Publication, clock: Clock
) -> None:
    """The preview of a scheduled draft names its publishing time."""
    services.publication_schedule(actor=COMMAND, publication=draft, publish_at=TOMORROW_NINE)
    page = editor_client.get(f"{ADMIN}{draft.pk}/preview/").content.decode()
    assert SHOWN in page


def test_a_translation_in_review_is_scheduled_with_its_original(
    editor_client: Client, draft: Publication, translation: Publication, clock: Clock
) -> None:
    """Scheduling the original schedules its translation submitted for review, audited,
    and the worker publishes both at the time."""
    services.publication_submit_for_review(actor=COMMAND, publication=translation)
    response = _schedule(editor_client, draft)
    translation.refresh_from_db()
    assert translation.publish_at == TOMORROW_NINE
    assert AuditEntry.objects.filter(
        action="publication.schedule", target_id=str(translation.pk)
    ).exists()
    said = " ".join(str(message) for message in response.context["messages"])
    assert "انگلیسی" in said

    clock.set(TOMORROW_NINE)
    run_due.call()
    draft.refresh_from_db()
    translation.refresh_from_db()
    assert draft.status == translation.status == Status.PUBLISHED


def test_unscheduling_the_original_unschedules_the_translation(
    draft: Publication, translation: Publication, make_staff: Callable[..., Any], clock: Clock
) -> None:
    """The translation that followed the original's time stops following it with it."""
    editor = make_staff("editor")
    services.publication_submit_for_review(actor=COMMAND, publication=translation)
    services.publication_schedule(actor=editor, publication=draft, publish_at=TOMORROW_NINE)
    services.publication_schedule(actor=editor, publication=draft, publish_at=None)
    translation.refresh_from_db()
    assert translation.publish_at is None


def test_a_draft_translation_is_not_scheduled(
    editor_client: Client, draft: Publication, translation: Publication, clock: Clock
) -> None:
    """A translation still a draft is not ready, and stays unscheduled."""
    _schedule(editor_client, draft)
    translation.refresh_from_db()
    assert translation.publish_at is None


def test_the_page_shows_the_publishing_day_when_chosen(
    make_publication: Callable[..., Publication], client: Client
) -> None:
    """With "the day it is published" chosen, the page shows that day and says so; else
    the date it bears, also said."""
    published_at = dt.datetime(2023, 11, 5, 8, 0, tzinfo=dt.UTC)
    written = make_publication(published_at=published_at)
    chosen = make_publication(
        title="بیانیه‌ی دیگر", published_at=published_at, date_shown=DateShown.PUBLISHING_DAY
    )
    page = client.get(chosen.get_absolute_url()).content.decode()
    assert "۱۴ آبان ۱۴۰۲" in page  # 5 November 2023
    assert "منتشرشده در" in page
    other = client.get(written.get_absolute_url()).content.decode()
    assert "۹ آبان ۱۴۰۲" in other  # 31 October 2023, the date it bears
    assert "نوشته‌شده در" in other


def test_the_editor_chooses_the_date_shown(
    editor_client: Client, make_publication: Callable[..., Publication]
) -> None:
    """The change form saves the choice of date shown through the service."""
    publication = make_publication()
    response = editor_client.post(
        f"{ADMIN}{publication.pk}/change/",
        _form(publication, date_shown=DateShown.PUBLISHING_DAY),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    publication.refresh_from_db()
    assert publication.date_shown == DateShown.PUBLISHING_DAY
