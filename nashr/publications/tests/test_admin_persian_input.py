"""Persian typed in the admin as editors type it: search boxes, slugs, date defaults."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nashr.core import calendars
from nashr.core.spelling import fold_for_contains, slug_of
from nashr.publications.models import Publication
from nashr.testing.spellings import KEYBOARD_SPELLINGS, admin_search

pytestmark = pytest.mark.django_db
CHANGELIST = "/fa/admin/publications/publication/"
ZWNJ = "\u200c"


def _titles(client, query: str) -> set[str]:
    page = client.get(CHANGELIST, {"q": query}).content.decode()
    return {p.title for p in Publication.objects.all() if p.title in page}


def test_admin_search_finds_a_word_typed_with_arabic_letters(admin_client, make_publication):
    """`بيانيه` (Arabic yeh) finds the statement titled `بیانیه` (Persian yeh), only it."""
    make_publication(title="بیانیه درباره آزادی زندانیان سیاسی")
    make_publication(title="گزارش سالانه")
    assert _titles(admin_client, "بيانيه") == {"بیانیه درباره آزادی زندانیان سیاسی"}
    assert _titles(admin_client, "كزارش") == set()  # kaf is not gaf
    assert _titles(admin_client, "گزارش") == {"گزارش سالانه"}


def test_admin_search_ignores_half_spaces_and_reads_any_digits(admin_client, make_publication):
    """`همهی` finds `همه‌ی` (typed without the half-space), `۱۴۰۲` finds `1402`."""
    make_publication(title=f"همه{ZWNJ}ی نهادهای مدنی")
    make_publication(title="گزارش سال 1402")
    assert _titles(admin_client, "همهی نهادها") == {f"همه{ZWNJ}ی نهادهای مدنی"}
    assert _titles(admin_client, "۱۴۰۲") == {"گزارش سال 1402"}
    assert fold_for_contains("كتاب‌ها ۱۲") == "کتابها 12"


@pytest.mark.parametrize(("stored", "typed"), KEYBOARD_SPELLINGS)
def test_admin_search_finds_keyboard_spellings(admin_client, make_publication, stored, typed):
    """«كارگران», «زنداني», «گفتوگو» find the publication whose title has «کارگران»,
    «زندانی», «گفت‌وگو»."""
    wanted = make_publication(title=f"بیانیه درباره {stored}")
    make_publication(title="گزارش سالانه")
    assert admin_search(admin_client, CHANGELIST, typed) == [wanted]


def test_a_persian_slug_keeps_its_half_space(admin_client, make_publication, client):
    """The slug made from `همه‌ی نهادهای مدنی` keeps the half-space, the admin saves it
    unchanged, and the public address with it answers."""
    publication = make_publication(title=f"همه{ZWNJ}ی نهادهای مدنی!")
    assert publication.slug == f"همه{ZWNJ}ی-نهادهای-مدنی"
    assert slug_of(f"a {ZWNJ}- b{ZWNJ}{ZWNJ}c") == f"a-b{ZWNJ}c"
    url = f"{CHANGELIST}{publication.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(title="همه‌ی نهادهای مدنی", date="1402/08/09", source_url="", legacy_path="")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    publication.refresh_from_db()
    assert publication.slug == f"همه{ZWNJ}ی-نهادهای-مدنی"
    assert client.get(publication.get_absolute_url()).status_code == 200


def test_date_fields_start_at_today(admin_client, kinds):
    """A new publication's date is today, written in the admin's calendar and digits."""
    page = admin_client.get(f"{CHANGELIST}add/").content.decode()
    today = calendars.format_ymd(timezone.localdate(), calendar="jalali").replace("-", "/")
    assert f'value="{calendars.to_persian_digits(today)}"' in page
    assert timezone.localdate().isoformat() not in page
