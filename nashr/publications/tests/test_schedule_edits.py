"""A schedule publishes the text an editor approved: an edit by someone who may not publish
cancels it, and the scheduled publishing names the editor who scheduled it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from nashr.audit.models import AuditEntry
from nashr.core.schedule import run_due
from nashr.publications import services
from nashr.publications.models import Publication, Status
from nashr.testing.clock import Clock


@pytest.fixture
def editor(make_staff: Callable[..., Any]) -> Any:
    return make_staff("editor", username="mina")


@pytest.fixture
def author(make_staff: Callable[..., Any]) -> Any:
    return make_staff("author", username="kaveh")


@pytest.fixture
def scheduled(
    clock: Clock, editor: Any, make_publication: Callable[..., Publication]
) -> Publication:
    draft = make_publication(status=Status.DRAFT, title="بیانیه‌ی تجمع", body="متن تأییدشده.")
    return services.publication_schedule(
        actor=editor, publication=draft, publish_at=clock.current + dt.timedelta(hours=2)
    )


def test_an_authors_edit_cancels_the_schedule(
    scheduled: Publication, author: Any, clock: Clock
) -> None:
    """An author who changes the body of a scheduled draft takes it off the schedule, and
    the worker publishes nothing at the time."""
    services.publication_update(actor=author, publication=scheduled, body="متن دیگری، بی‌بازبینی.")
    scheduled.refresh_from_db()
    assert scheduled.publish_at is None
    entry = AuditEntry.objects.get(action="publication.unschedule")
    assert entry.actor_name == "kaveh"
    assert "kaveh" in entry.changes["reason"]
    assert "body" in entry.changes["reason"]

    clock.advance(hours=2)
    assert run_due.call()["publication.publish"] == []
    scheduled.refresh_from_db()
    assert scheduled.status == Status.DRAFT


@pytest.mark.parametrize(
    "changes",
    [{"title": "عنوان دیگر"}, {"signatory": None}, {"date": dt.date(2024, 1, 1)}],
    ids=["title", "signatory", "date"],
)
def test_any_change_readers_see_cancels_it(
    scheduled: Publication, author: Any, changes: dict[str, Any]
) -> None:
    """Title, signatory and date, not only the body, are reviewed text."""
    services.publication_update(actor=author, publication=scheduled, **changes)
    scheduled.refresh_from_db()
    assert scheduled.publish_at is None


def test_an_authors_save_without_changes_keeps_it(scheduled: Publication, author: Any) -> None:
    """Saving the same text changes nothing, so the schedule stays."""
    services.publication_update(actor=author, publication=scheduled, body=scheduled.body)
    scheduled.refresh_from_db()
    assert scheduled.publish_at is not None
    assert not AuditEntry.objects.filter(action="publication.unschedule").exists()


def test_an_editors_edit_keeps_it(
    scheduled: Publication, make_staff: Callable[..., Any], clock: Clock
) -> None:
    """Another editor, who may publish, changes the body: it is still published at its time."""
    other = make_staff("editor", username="sara")
    services.publication_update(actor=other, publication=scheduled, body="متن ویراسته.")
    scheduled.refresh_from_db()
    assert scheduled.publish_at is not None

    clock.advance(hours=2)
    assert run_due.call()["publication.publish"] == [scheduled.pk]
    scheduled.refresh_from_db()
    assert scheduled.status == Status.PUBLISHED
    assert scheduled.body == "متن ویراسته."


def test_the_scheduled_publish_names_who_scheduled_it(scheduled: Publication, clock: Clock) -> None:
    """The worker publishes, and its audit entry names the editor who scheduled it."""
    clock.advance(hours=2)
    run_due.call()
    entry = AuditEntry.objects.get(action="publication.publish", target_id=str(scheduled.pk))
    assert entry.actor_name == "system:tasks"
    assert entry.changes["scheduled_by"] == "mina"


def _shown(page: str, name: str) -> str:
    """The value the form on `page` shows in its field `name`."""
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert found is not None, name
    return found.group(1)


def test_the_admin_tells_the_author(scheduled: Publication, author: Any) -> None:
    """Saving the edit in the admin warns the author that the schedule was cancelled."""
    client = Client()
    client.force_login(author)
    url = f"/en/admin/publications/publication/{scheduled.pk}/change/"
    page = client.get(url).content.decode()
    form = {
        "kind": scheduled.kind_id,
        "title": scheduled.title,
        "slug": scheduled.slug,
        "summary": "",
        "body": "متن دیگری در مدیریت.",
        "signatory": scheduled.signatory_id,
        "date": _shown(page, "date"),
        "status": Status.DRAFT,
        # The schedule as the page shows it, posted back unchanged.
        "publish_at_0": _shown(page, "publish_at_0"),
        "publish_at_1": _shown(page, "publish_at_1"),
        "source_url": "",
        "legacy_path": "",
    }
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    scheduled.refresh_from_db()
    assert scheduled.body == "متن دیگری در مدیریت."
    assert scheduled.publish_at is None
    shown = [str(message) for message in response.context["messages"]]
    assert any("scheduled publishing" in text for text in shown), shown
