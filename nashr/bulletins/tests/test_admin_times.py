"""An issue's publishing time in the admin: typed in any digits, shown in the admin
language's digits, refused on the field when it has already passed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from nashr.bulletins import services
from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.actors import COMMAND
from nashr.testing.clock import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_series: Callable[..., Any]) -> Bulletin:
    return services.bulletin_draft(
        actor=COMMAND,
        series=make_series(),
        year=2024,
        month=3,
        editorial_title="March",
        editorial_body="The editorial.",
        propose=False,
    )


@pytest.fixture
def editor_client(make_staff: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_staff("editor"))
    return client


def _post(client: Client, draft: Bulletin, day: str, time: str) -> Any:
    """The Persian admin's change form of `draft`, saved with the publishing time given."""
    data = {
        "series": str(draft.series_id),
        "period_year": "۲۰۲۴",
        "period_month": "۳",
        "editorial_title": draft.editorial_title,
        "editorial_body": draft.editorial_body,
        "publish_at_0": day,
        "publish_at_1": time,
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    return client.post(f"/fa/admin/bulletins/bulletin/{draft.pk}/change/", data)


def test_a_time_in_persian_digits_schedules_the_issue(
    editor_client: Client, draft: Bulletin, clock: Clock
) -> None:
    """«۹:۰۰» tomorrow (1402/12/29 in Tehran) is saved and shown again as «۰۹:۰۰»."""
    response = _post(editor_client, draft, "۱۴۰۲/۱۲/۲۹", "۹:۰۰")
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.publish_at == dt.datetime(2024, 3, 19, 5, 30, tzinfo=dt.UTC)
    page = editor_client.get(f"/fa/admin/bulletins/bulletin/{draft.pk}/change/").content.decode()
    shown = re.search(r'<input[^>]*name="publish_at_1"[^>]*>', page)
    assert shown is not None
    assert 'value="۰۹:۰۰"' in shown.group(0) and 'placeholder="۰۹:۳۰"' in shown.group(0)


def test_a_past_publishing_time_is_refused(
    editor_client: Client, draft: Bulletin, clock: Clock
) -> None:
    """A month typed one too low is refused on the field, named in Jalali and Persian
    digits; the issue stays an unscheduled draft."""
    response = _post(editor_client, draft, "۱۴۰۲/۱۱/۲۹", "09:00")
    assert response.status_code == 200
    errors = re.search(
        r'<ul class="errorlist" id="id_publish_at_error">(.*?)</ul>', response.content.decode()
    )
    assert errors is not None
    assert "زمان ۲۹ بهمن ۱۴۰۲ ۰۹:۰۰ گذشته است" in errors.group(1)
    draft.refresh_from_db()
    assert draft.publish_at is None and draft.status == BulletinStatus.DRAFT
