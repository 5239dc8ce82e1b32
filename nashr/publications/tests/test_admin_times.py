"""The publishing time in the admin: typed in any digits, shown in the admin language's
digits, and refused on the field when it has already passed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Publication, Status
from nashr.testing.clock import Clock

pytestmark = pytest.mark.django_db

ADD = "/{lang}/admin/publications/publication/add/"
# The clock stands at 2024-03-18 06:00 UTC: 1402/12/28 09:30 in Tehran (the site's zone).
TODAY = {"fa": "۱۴۰۲/۱۲/۲۸", "en": "2024-03-18"}
TOMORROW = {"fa": "۱۴۰۲/۱۲/۲۹", "en": "2024-03-19"}
# Tomorrow at 09:00 in Tehran.
TOMORROW_NINE = dt.datetime(2024, 3, 19, 5, 30, tzinfo=dt.UTC)


@pytest.fixture
def editor_client(make_staff: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_staff("editor"))
    return client


def _form(kinds: Any, signatory: Any, day: str, time: str, lang: str = "fa") -> dict[str, object]:
    return {
        "language": "fa",
        "kind": kinds["statement"].pk,
        "title": "بیانیه‌ی زمان‌بندی‌شده",
        "slug": "",
        "summary": "",
        "body": "متن بیانیه.",
        "signatory": signatory.pk,
        "date": TODAY[lang],
        "status": Status.DRAFT,
        "publish_at_0": day,
        "publish_at_1": time,
        "source_url": "",
        "legacy_path": "",
        "translation_of": "",
    }


def _input(page: str, name: str) -> str:
    """The <input> tag named `name` on `page`."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found is not None, name
    return found.group(0)


def _value(page: str, name: str) -> str:
    """The value the <input> named `name` shows on `page`."""
    found = re.search(r'value="([^"]*)"', _input(page, name))
    assert found is not None, name
    return found.group(1)


@pytest.mark.parametrize("typed", ["۰۹:۰۰", "۹:۰۰", "٠٩:٠٠", "9:00", "09:00"])
def test_a_time_typed_in_any_digits_is_saved(
    editor_client: Client, kinds: Any, signatory: Any, clock: Clock, typed: str
) -> None:
    """Persian, Arabic-Indic and Latin digits, with or without the leading zero, schedule
    the same moment on the Persian admin."""
    response = editor_client.post(
        ADD.format(lang="fa"), _form(kinds, signatory, TOMORROW["fa"], typed)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Publication.objects.get().publish_at == TOMORROW_NINE


@pytest.mark.parametrize(
    ("lang", "placeholder", "shown"), [("fa", "۰۹:۳۰", "۰۹:۰۰"), ("en", "09:30", "09:00")]
)
def test_the_time_is_shown_in_the_admin_languages_digits(
    editor_client: Client,
    kinds: Any,
    signatory: Any,
    clock: Clock,
    lang: str,
    placeholder: str,
    shown: str,
) -> None:
    """The example and the saved time are in Persian digits on the Persian admin, in Latin
    digits on the English one."""
    empty = editor_client.get(ADD.format(lang=lang)).content.decode()
    assert f'placeholder="{placeholder}"' in _input(empty, "publish_at_1")
    response = editor_client.post(
        ADD.format(lang=lang), _form(kinds, signatory, TOMORROW[lang], "۹:۰۰", lang)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    publication = Publication.objects.get()
    url = f"/{lang}/admin/publications/publication/{publication.pk}/change/"
    page = editor_client.get(url).content.decode()
    assert f'value="{shown}"' in _input(page, "publish_at_1")
    assert f'value="{TOMORROW[lang]}"' in _input(page, "publish_at_0")


def test_a_time_that_is_no_time_is_refused_in_persian(
    editor_client: Client, kinds: Any, signatory: Any, clock: Clock
) -> None:
    """۹:۷۵ is refused on the field with a Persian message that names it and shows an example."""
    response = editor_client.post(
        ADD.format(lang="fa"), _form(kinds, signatory, TOMORROW["fa"], "۹:۷۵")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "«\u2068۹:۷۵\u2069» زمانی از روز نیست" in page
    assert "۰۹:۳۰" in page
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("lang", "typed_day", "named"),
    [
        # A slip of one digit in the month: Bahman (11) for Esfand (12).
        ("fa", "۱۴۰۲/۱۱/۲۹", "۲۹ بهمن ۱۴۰۲ ۰۹:۰۰ گذشته است"),
        ("en", "2024-02-18", "February 18, 2024 09:00 has already passed"),
    ],
)
def test_a_past_publishing_time_is_refused(
    editor_client: Client,
    kinds: Any,
    signatory: Any,
    clock: Clock,
    lang: str,
    typed_day: str,
    named: str,
) -> None:
    """A publishing time gone by is refused on the field, named in the admin's calendar and
    digits; nothing is saved, nothing published."""
    response = editor_client.post(
        ADD.format(lang=lang), _form(kinds, signatory, typed_day, "09:00", lang)
    )
    assert response.status_code == 200
    page = response.content.decode()
    errors = re.search(r'<ul class="errorlist" id="id_publish_at_error">(.*?)</ul>', page)
    assert errors is not None, page[:3000]
    assert named in errors.group(1)
    assert not Publication.objects.exists()


def test_a_publishing_time_of_a_minute_ago_is_accepted(
    editor_client: Client, kinds: Any, signatory: Any, clock: Clock
) -> None:
    """The minute on the clock when the editor typed it is not refused as past."""
    clock.set(dt.datetime(2024, 3, 18, 5, 33, tzinfo=dt.UTC))  # 09:03 in Tehran
    response = editor_client.post(
        ADD.format(lang="fa"), _form(kinds, signatory, "۱۴۰۲/۱۲/۲۸", "۰۹:۰۰")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Publication.objects.get().publish_at == dt.datetime(2024, 3, 18, 5, 30, tzinfo=dt.UTC)


def test_a_schedule_shown_in_persian_digits_and_posted_back_is_unchanged(
    editor_client: Client, make_publication: Callable[..., Publication], clock: Clock
) -> None:
    """Saving other changes on the Persian admin keeps a schedule whose time has passed
    while the worker was down: the time shown in Persian digits reads back as the same."""
    draft = make_publication(status=Status.DRAFT)
    services.publication_schedule(
        actor=COMMAND, publication=draft, publish_at=clock.current + dt.timedelta(hours=1)
    )
    clock.advance(hours=2)
    url = f"/fa/admin/publications/publication/{draft.pk}/change/"
    page = editor_client.get(url).content.decode()
    shown = {name: _value(page, name) for name in ("date", "publish_at_0", "publish_at_1")}
    assert shown["publish_at_1"] == "۱۰:۳۰"
    form = {
        "kind": draft.kind_id,
        "title": "عنوان تازه",
        "slug": draft.slug,
        "summary": "",
        "body": draft.body,
        "signatory": draft.signatory_id,
        "status": Status.DRAFT,
        "source_url": "",
        "legacy_path": "",
        **shown,
    }
    response = editor_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.title == "عنوان تازه"
    assert draft.publish_at == dt.datetime(2024, 3, 18, 7, 0, tzinfo=dt.UTC)
