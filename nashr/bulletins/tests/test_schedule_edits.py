"""A scheduled issue is published as it was approved: a change by someone who may change
issues but not publish them cancels the schedule, and the scheduled publish names the
editor who scheduled it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from nashr.audit.models import AuditEntry
from nashr.bulletins import services
from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.actors import COMMAND
from nashr.core.schedule import run_due
from nashr.testing.clock import Clock


@pytest.fixture
def editor(make_staff: Callable[..., Any]) -> Any:
    return make_staff("editor", username="mina")


@pytest.fixture
def changer(db: None) -> Any:
    """A staff member whose own permissions let them change issues, not publish them."""
    user = get_user_model().objects.create_user(
        username="ramin",
        password="a long passphrase 42",
        is_staff=True,
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="bulletins",
            codename__in=["view_bulletin", "change_bulletin", "change_bulletinitem"],
        )
    )
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def scheduled(clock: Clock, editor: Any, make_series: Callable[..., Any]) -> Bulletin:
    draft = services.bulletin_draft(
        actor=COMMAND,
        series=make_series(),
        year=2024,
        month=3,
        editorial_title="March",
        editorial_body="The approved editorial.",
        propose=False,
    )
    return services.bulletin_schedule(
        actor=editor, bulletin=draft, publish_at=clock.current + dt.timedelta(hours=2)
    )


def test_a_non_publishers_editorial_change_cancels_the_schedule(
    scheduled: Bulletin, changer: Any, clock: Clock
) -> None:
    """The editorial changed by someone who may not publish: nothing is published at the time."""
    services.bulletin_update(actor=changer, bulletin=scheduled, editorial_body="Unreviewed text.")
    scheduled.refresh_from_db()
    assert scheduled.publish_at is None
    entry = AuditEntry.objects.get(action="bulletin.unschedule")
    assert entry.actor_name == "ramin"
    assert "editorial_body" in entry.changes["reason"]

    clock.advance(hours=2)
    assert run_due.call()["bulletin.publish"] == []
    scheduled.refresh_from_db()
    assert scheduled.status == BulletinStatus.DRAFT


def test_a_non_publishers_items_cancel_the_schedule(scheduled: Bulletin, changer: Any) -> None:
    """New items set by someone who may not publish cancel it too."""
    services.bulletin_items_set(
        actor=changer, bulletin=scheduled, items=[services.ItemSpec(title="Added unreviewed")]
    )
    scheduled.refresh_from_db()
    assert scheduled.publish_at is None
    assert AuditEntry.objects.filter(action="bulletin.unschedule").count() == 1


def test_an_editors_change_keeps_it(
    scheduled: Bulletin, make_staff: Callable[..., Any], clock: Clock
) -> None:
    """Another editor, who may publish, changes the editorial: the issue is published at its
    time, naming in the audit trail the editor who scheduled it."""
    other = make_staff("editor", username="sara")
    services.bulletin_update(actor=other, bulletin=scheduled, editorial_body="Edited editorial.")
    scheduled.refresh_from_db()
    assert scheduled.publish_at is not None

    clock.advance(hours=2)
    assert run_due.call()["bulletin.publish"] == [scheduled.pk]
    scheduled.refresh_from_db()
    assert scheduled.status == BulletinStatus.PUBLISHED
    entry = AuditEntry.objects.get(action="bulletin.publish")
    assert entry.actor_name == "system:tasks"
    assert entry.changes["scheduled_by"] == "mina"


def _shown(page: str, name: str) -> str:
    """The value the form on `page` shows in its field `name`."""
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert found is not None, name
    return found.group(1)


def test_the_admin_tells_who_changed_it(scheduled: Bulletin, changer: Any) -> None:
    """Saving a changed editorial in the admin warns that the schedule was cancelled."""
    client = Client()
    client.force_login(changer)
    url = f"/en/admin/bulletins/bulletin/{scheduled.pk}/change/"
    page = client.get(url).content.decode()
    data = {
        "series": str(scheduled.series_id),
        "period_year": _shown(page, "period_year"),
        "period_month": str(scheduled.period_month),
        "editorial_title": scheduled.editorial_title,
        "editorial_body": "Changed in the admin.",
        # The schedule as the page shows it, posted back unchanged.
        "publish_at_0": _shown(page, "publish_at_0"),
        "publish_at_1": _shown(page, "publish_at_1"),
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    scheduled.refresh_from_db()
    assert scheduled.editorial_body == "Changed in the admin."
    assert scheduled.publish_at is None
    shown = [str(message) for message in response.context["messages"]]
    assert any("scheduled publishing" in text for text in shown), shown
