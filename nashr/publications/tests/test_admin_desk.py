"""The admin's revisions pages, restore button and Jalali publishing time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Publication, Status
from nashr.testing.clock import Clock

pytestmark = pytest.mark.django_db


def test_revisions_page_shows_the_persian_diff_right_to_left(
    client: Client, make_staff: Callable[..., Any], make_publication: Callable[..., Publication]
) -> None:
    """The diff of the last two revisions is in the publication's language and direction."""
    publication = make_publication(body="آزادی زندانیان سیاسی")
    services.publication_update(
        actor=COMMAND, publication=publication, body="آزادی فوری زندانیان سیاسی"
    )
    client.force_login(make_staff("editor"))
    page = client.get(f"/en/admin/publications/publication/{publication.pk}/revisions/")
    html = page.content.decode()
    assert '<div class="nashr-diff" lang="fa" dir="rtl" data-as-typed>' in html
    assert "<ins> فوری</ins>" in html


def test_restore_button_makes_a_new_revision(
    client: Client, make_staff: Callable[..., Any], make_publication: Callable[..., Publication]
) -> None:
    """Posting the restore form brings the old body back as revision 3."""
    publication = make_publication(body="متن درست")
    services.publication_update(actor=COMMAND, publication=publication, body="متن اشتباه")
    client.force_login(make_staff("editor"))
    url = f"/fa/admin/publications/publication/{publication.pk}/revisions/1/restore/"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    publication.refresh_from_db()
    assert (publication.body, publication.revision) == ("متن درست", 3)


def test_translation_links_to_the_originals_changes_since(
    client: Client, make_staff: Callable[..., Any], make_publication: Callable[..., Publication]
) -> None:
    """An outdated translation's page links to its original's diff since its revision."""
    original = make_publication()
    translation = services.translation_create(
        actor=COMMAND, original=original, language="en", title="Statement"
    )
    services.publication_update(actor=COMMAND, publication=original, body="متن تازه")
    client.force_login(make_staff("editor"))
    html = client.get(f"/en/admin/publications/publication/{translation.pk}/change/").content
    expected = f"/en/admin/publications/publication/{original.pk}/revisions/?from=1&amp;to=2"
    assert expected.encode() in html


@override_settings(TIME_ZONE="Asia/Tehran")
def test_publish_at_typed_in_jalali_is_stored_in_utc(
    client: Client,
    make_staff: Callable[..., Any],
    make_publication: Callable[..., Publication],
    clock: Clock,
) -> None:
    """۱۴۰۳/۰۱/۰۱ 09:30 in Tehran is stored as 06:00 UTC and shown again in Persian digits."""
    draft = make_publication(status=Status.DRAFT)
    client.force_login(make_staff("editor"))
    url = f"/fa/admin/publications/publication/{draft.pk}/change/"
    form = {
        "kind": draft.kind_id,
        "title": draft.title,
        "slug": draft.slug,
        "summary": "",
        "body": draft.body,
        "signatory": draft.signatory_id,
        "date": "۱۴۰۲/۰۸/۰۹",
        "status": Status.DRAFT,
        "publish_at_0": "۱۴۰۳/۰۱/۰۱",
        "publish_at_1": "09:30",
        "source_url": "",
        "legacy_path": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.publish_at == dt.datetime(2024, 3, 20, 6, 0, tzinfo=dt.UTC)
    html = client.get(url).content.decode()
    assert 'value="۱۴۰۳/۰۱/۰۱"' in html and 'value="۰۹:۳۰"' in html
