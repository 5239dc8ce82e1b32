"""Translating from the original in the admin: its translations listed, the original's
text beside the translation form, the original picked by a search box, drafts previewed."""

from __future__ import annotations

import html
import json

import pytest

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Status

pytestmark = pytest.mark.django_db
ADMIN = "/fa/admin/publications/publication/"


def test_original_lists_translations_and_offers_the_missing_language(
    admin_client, make_publication
):
    """The original's change page links its English translation; an untranslated original
    offers "add translation in English" with itself and the language filled in."""
    statement = make_publication(title="بیانیه")
    english = services.translation_create(
        actor=COMMAND, original=statement, language="en", title="Statement", body="Text."
    )
    lonely = make_publication(title="گزارش")
    page = html.unescape(admin_client.get(f"{ADMIN}{statement.pk}/change/").content.decode())
    assert f'href="{ADMIN}{english.pk}/change/" lang="en" dir="ltr">Statement</a>' in page
    page = html.unescape(admin_client.get(f"{ADMIN}{lonely.pk}/change/").content.decode())
    assert f'href="{ADMIN}add/?translation_of={lonely.pk}&language=en"' in page


def test_translation_form_shows_the_original_in_its_direction(admin_client, make_publication):
    """Adding the English translation shows the Persian original's title, summary and body
    in a right-to-left block, and picks the original with a search box, not an id."""
    statement = make_publication(
        title="بیانیه درباره آزادی", summary="خلاصه‌ی بیانیه", body="متن کامل بیانیه."
    )
    response = admin_client.get(f"{ADMIN}add/", {"translation_of": statement.pk, "language": "en"})
    page = html.unescape(response.content.decode())
    source = page[page.index('class="module nashr-source"') :]
    assert source.index('lang="fa" dir="rtl"') < source.index("بیانیه درباره آزادی")
    assert "خلاصه‌ی بیانیه" in source and "متن کامل بیانیه." in source
    assert 'class="admin-autocomplete' in page
    assert 'id="lookup_id_translation_of"' not in page  # no raw id lookup


def test_the_search_box_for_the_original_offers_originals_only(admin_client, make_publication):
    """The original's search box finds `بیانیه` typed `بيانيه`, and no translation."""
    statement = make_publication(title="بیانیه درباره آزادی")
    services.translation_create(
        actor=COMMAND, original=statement, language="en", title="بیانیه in English", body="x"
    )
    response = admin_client.get(
        "/fa/admin/autocomplete/",
        {
            "app_label": "publications",
            "model_name": "publication",
            "field_name": "translation_of",
            "term": "بيانيه",
        },
    )
    found = [item["id"] for item in json.loads(response.content)["results"]]
    assert found == [str(statement.pk)]


def test_view_on_site_for_a_draft_opens_its_preview(admin_client, make_publication):
    """A draft's "view on site" leads to its preview (200), not to a missing public page."""
    draft = make_publication(title="پیش‌نویس", status=Status.DRAFT)
    page = admin_client.get(f"{ADMIN}{draft.pk}/change/").content.decode()
    preview = f"{ADMIN}{draft.pk}/preview/"
    assert f'href="{preview}" class="viewsitelink"' in page
    assert admin_client.get(preview).status_code == 200
