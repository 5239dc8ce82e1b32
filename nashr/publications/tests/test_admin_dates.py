"""Dates typed in the admin in the wrong calendar are refused on the field, nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest

from nashr.publications.models import Publication, Status

ADD = "/{lang}/admin/publications/publication/add/"


def _form(kind, signatory, date: str) -> dict[str, object]:
    return {
        "language": "fa",
        "kind": kind.pk,
        "title": "بیانیه تازه",
        "slug": "",
        "summary": "",
        "body": "متن بیانیه.",
        "signatory": signatory.pk,
        "date": date,
        "status": Status.DRAFT,
        "source_url": "",
        "legacy_path": "",
        "translation_of": "",
    }


@pytest.mark.parametrize(
    ("lang", "typed", "offered", "stored_as"),
    [
        # /fa/admin/ used to store 2026-12-02 typed there as the Gregorian year 2648.
        ("fa", "2026-12-02", "۱۴۰۵/۰۹/۱۱", "۱۴۰۵/۰۹/۱۱"),
        # /en/admin/ used to store 1405-09-11 as the year 1405 AD.
        ("en", "1405-09-11", "2026-12-02", "2026-12-02"),
    ],
)
def test_a_date_of_the_other_calendar_is_refused(
    client, make_staff, kinds, signatory, lang: str, typed: str, offered: str, stored_as: str
) -> None:
    """The admin refuses a date typed in the other calendar, names the same day, stores nothing."""
    client.force_login(make_staff("editor"))
    response = client.post(ADD.format(lang=lang), _form(kinds["statement"], signatory, typed))
    assert response.status_code == 200
    assert offered in response.content.decode()
    assert not Publication.objects.exists()
    response = client.post(ADD.format(lang=lang), _form(kinds["statement"], signatory, stored_as))
    assert response.status_code == 302
    assert Publication.objects.get().date == dt.date(2026, 12, 2)
