"""The issue's document: freezing at publishing, items, dates and read-more links."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client

from nashr.bulletins import services
from nashr.bulletins.models import Bulletin, BulletinItem
from nashr.bulletins.rendering import (
    bulletin_email_content,
    document_html_fragment,
    email_content,
    pdf_html,
)
from nashr.bulletins.schema import DOCUMENT_VERSION, UPGRADES, UnreadableDocument, document_read
from nashr.core.actors import COMMAND
from nashr.publications import services as publication_services

# A document as Nashr froze it at version 1 (a Persian issue: an excerpt with a slogan,
# an untranslated statement, a standalone news item).
DATA = Path(__file__).parent / "data"


def test_later_edits_do_not_change_a_published_issue(
    english_series, statement_pair, client: Client
):
    """Editing a carried publication leaves the issue's page and email as published."""
    _, translation = statement_pair(title="پ", date=dt.date(2023, 10, 31))
    bulletin = services.bulletin_publish(
        actor=COMMAND,
        bulletin=services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11),
    )
    publication_services.publication_update(
        actor=COMMAND, publication=translation, title="Rewritten title", body="Rewritten body."
    )
    page = client.get(bulletin.get_absolute_url()).content.decode()
    mail = bulletin_email_content(bulletin=bulletin, unsubscribe_url="u", manage_url="m")
    for text in (page, mail.text, mail.html):
        assert "EN پ" in text
        assert "Rewritten" not in text


def test_corrected_edition_refreezes_under_the_same_number(english_series, statement_pair):
    """A correction takes the current text, keeps the number and says it is corrected."""
    _, translation = statement_pair(title="پ", date=dt.date(2023, 10, 31))
    bulletin = services.bulletin_publish(
        actor=COMMAND,
        bulletin=services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11),
    )
    publication_services.publication_update(
        actor=COMMAND, publication=translation, title="Fixed title"
    )
    corrected = services.bulletin_correct(
        actor=COMMAND, bulletin=bulletin, note="a typo in the title"
    )
    assert (corrected.number, corrected.edition) == (47, 2)
    assert corrected.document["items"][0]["title"] == "Fixed title"
    assert corrected.document["correction"].startswith("Corrected edition of ")
    assert corrected.document["correction"].endswith(": a typo in the title")


def test_read_more_prefers_the_bulletins_language(english_series, statement_pair):
    """Translated items link the English page; untranslated ones the Persian, named so."""
    _, translation = statement_pair(title="پ", date=dt.date(2023, 10, 1))
    original, _ = statement_pair(title="ت", date=dt.date(2023, 10, 2), translated=False)
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    items = services.bulletin_publish(actor=COMMAND, bulletin=draft).document["items"]
    assert items[0]["read_more"] == {
        "url": "http://127.0.0.1:8000" + translation.get_absolute_url(),
        "label": "Read more",
        "language": "en",
    }
    assert items[1]["read_more"] == {
        "url": "http://127.0.0.1:8000" + original.get_absolute_url(),
        "label": "Read more (in Persian)",
        "language": "fa",
    }
    assert (items[1]["title_language"], items[1]["body"]["direction"]) == ("fa", "rtl")


def test_dates_in_the_bulletins_calendar(english_series, persian_series, statement_pair):
    """One date reads October 31, 2023 in English and ۹ آبان ۱۴۰۲ in Persian."""
    statement_pair(title="پ", date=dt.date(2023, 10, 31))
    english = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11)
    persian = services.bulletin_draft(actor=COMMAND, series=persian_series, year=1402, month=8)
    en_doc = services.bulletin_publish(actor=COMMAND, bulletin=english).document
    fa_doc = services.bulletin_publish(actor=COMMAND, bulletin=persian).document
    assert en_doc["items"][0]["date_label"] == "October 31, 2023"
    assert fa_doc["items"][0]["date_label"] == "۹ آبان ۱۴۰۲"
    assert (en_doc["period"]["label"], fa_doc["period"]["label"]) == ("November 2023", "آبان ۱۴۰۲")
    assert fa_doc["items"][0]["signatory"] == "کمیته اجرایی"


def test_excerpt_slogan_and_overrides(english_series, statement_pair):
    """An excerpt is the first paragraph; overrides replace title and text; slogans quoted."""
    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    statement_pair(title="ت", date=dt.date(2023, 10, 2))
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    first, second = draft.items.order_by("order")
    BulletinItem.objects.filter(pk=first.pk).update(mode="excerpt", slogan="Freedom now")
    BulletinItem.objects.filter(pk=second.pk).update(title="My title", text="My *own* words.")
    BulletinItem.objects.create(
        bulletin=draft, order=30, title="News from Zahedan", text="Strikes went on."
    )
    items = services.bulletin_publish(actor=COMMAND, bulletin=draft).document["items"]
    assert items[0]["body"]["text"] == (
        "The executive committee once again calls for the unconditional release of all "
        "political prisoners."
    )
    assert items[0]["slogan"] == "“Freedom now”"
    assert (items[1]["title"], items[1]["body"]["html"]) == (
        "My title",
        "<p>My <em>own</em> words.</p>\n",
    )
    assert items[2]["read_more"] is None and items[2]["title"] == "News from Zahedan"


def test_a_stored_version_1_document_renders_after_upgrade() -> None:
    """A document frozen by Nashr before version 2 gets the series name and renders three ways."""
    stored = json.loads((DATA / "document_v1.json").read_text(encoding="utf-8"))
    document = document_read(stored, where="bulletin 1")
    assert (document["version"], DOCUMENT_VERSION) == (2, 2)
    assert document["series"]["name"] == "خبرنامه نشر"
    assert stored["version"] == 1 and "name" not in stored["series"]
    mail = email_content(document=document, unsubscribe_url="u", manage_url="m")
    assert mail.text.startswith("خبرنامه نشر — آبان ۱۴۰۲ — شماره‌ی ۱\n")
    assert "«زن، زندگی، آزادی»" in mail.html
    assert '<meta name="author" content="خبرنامه نشر">' in pdf_html(document=document)
    assert "خبر از زاهدان" in document_html_fragment(document=document)


def test_every_older_version_has_an_upgrade() -> None:
    """Bumping the document's version without writing its upgrade fails here."""
    assert set(UPGRADES) == set(range(1, DOCUMENT_VERSION))


def test_a_document_from_a_newer_nashr_is_refused(published_issue, client: Client) -> None:
    """An issue frozen by a newer Nashr is refused with the versions named, not half shown."""
    bulletin = published_issue(titles=("پ",))
    Bulletin.objects.filter(pk=bulletin.pk).update(
        document={**bulletin.document, "version": DOCUMENT_VERSION + 1}
    )
    bulletin.refresh_from_db()
    with pytest.raises(UnreadableDocument, match=r"version 3, written by a newer Nashr"):
        bulletin_email_content(bulletin=bulletin, unsubscribe_url="u", manage_url="m")
    with pytest.raises(UnreadableDocument, match=f"^bulletin {bulletin.pk}: "):
        document_read(bulletin.document, where=f"bulletin {bulletin.pk}")
