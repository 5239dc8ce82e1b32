"""The public pages answer in each language with direction taken from the content."""

from __future__ import annotations

import re

from django.test import Client

from nashr.publications import services


def test_root_follows_accept_language(client: Client, db: None) -> None:
    """`/` sends an English browser to /en/ and a Persian one to /fa/."""
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fa-IR,fa;q=0.9")["Location"] == "/fa/"


def test_html_direction_follows_interface_language(client: Client, db: None) -> None:
    """/fa/ is rtl, /en/ is ltr."""
    assert '<html lang="fa" dir="rtl">' in client.get("/fa/").content.decode()
    assert '<html lang="en" dir="ltr">' in client.get("/en/").content.decode()


def test_persian_content_on_english_page_is_wrapped_rtl(client: Client, make_publication) -> None:
    """An untranslated Persian statement in the English list carries lang=fa dir=rtl."""
    publication = make_publication()
    html = client.get("/en/").content.decode()
    item = re.search(r'<li lang="(\w+)" dir="(\w+)">\s*<h2><a href="([^"]+)"', html)
    assert item is not None
    assert item.groups() == ("fa", "rtl", publication.get_absolute_url())


def test_publication_links_its_translation(client: Client, make_publication) -> None:
    """A Persian page links its English version visibly and with hreflang."""
    original = make_publication()
    translation = services.translation_create(
        original=original, language="en", title="Statement on prisoners"
    )
    services.publication_publish(publication=translation)
    html = client.get(original.get_absolute_url()).content.decode()
    assert f'hreflang="en" href="http://127.0.0.1:8000{translation.get_absolute_url()}"' in html
    assert f'<a href="{translation.get_absolute_url()}" hreflang="en"' in html


def test_drafts_are_not_public(client: Client, make_publication) -> None:
    """A draft answers 404 and is missing from the lists."""
    draft = make_publication(status="draft", title="پیش‌نویس محرمانه")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "پیش‌نویس محرمانه" not in client.get("/fa/").content.decode()


def test_legacy_path_redirects(client: Client, make_publication) -> None:
    """An old address answers 301 to the publication's page."""
    publication = make_publication(legacy_path="/node/10158")
    response = client.get("/node/10158")
    assert response.status_code == 301
    assert response["Location"] == publication.get_absolute_url()
