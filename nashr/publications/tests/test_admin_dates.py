"""Dates typed in the admin in the wrong calendar are refused on the field, nothing stored."""

from __future__ import annotations

import datetime as dt

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


def test_gregorian_date_in_the_persian_admin_is_refused(
    client, make_staff, kinds, signatory
) -> None:
    """/fa/admin/ refuses 2026-12-02 (it used to store the year 2648) and says ۱۴۰۵/۰۹/۱۱."""
    client.force_login(make_staff("editor"))
    response = client.post(
        ADD.format(lang="fa"), _form(kinds["statement"], signatory, "2026-12-02")
    )
    assert response.status_code == 200
    assert "۱۴۰۵/۰۹/۱۱" in response.content.decode()
    assert not Publication.objects.exists()
    response = client.post(
        ADD.format(lang="fa"), _form(kinds["statement"], signatory, "۱۴۰۵/۰۹/۱۱")
    )
    assert response.status_code == 302
    assert Publication.objects.get().date == dt.date(2026, 12, 2)


def test_jalali_date_in_the_english_admin_is_refused(client, make_staff, kinds, signatory) -> None:
    """/en/admin/ refuses 1405-09-11 instead of storing the year 1405 AD."""
    client.force_login(make_staff("editor"))
    response = client.post(
        ADD.format(lang="en"), _form(kinds["statement"], signatory, "1405-09-11")
    )
    assert response.status_code == 200
    assert "2026-12-02" in response.content.decode()
    assert not Publication.objects.exists()
