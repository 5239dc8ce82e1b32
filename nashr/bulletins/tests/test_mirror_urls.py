"""Every bulletin names the site's mirrors (NASHR_MIRROR_URLS): email footer, PDF colophon."""

from __future__ import annotations

from django.test import override_settings

from nashr.bulletins import selectors
from nashr.bulletins.rendering import bulletin_email_content, pdf_html

MIRRORS = ["https://mirror-one.example/nashr/", "http://nashrexample.onion/"]


@override_settings(NASHR_MIRROR_URLS=MIRRORS)
def test_email_and_pdf_name_the_mirrors(published_issue) -> None:
    """The HTML and text email and the PDF's HTML carry each mirror's address."""
    bulletin = published_issue()
    mail = bulletin_email_content(bulletin=bulletin, unsubscribe_url="u", manage_url="m")
    pdf = pdf_html(document=selectors.bulletin_document(bulletin=bulletin))
    for text in (mail.html, mail.text, pdf):
        for url in MIRRORS:
            assert url in text


def test_no_mirror_line_without_the_setting(published_issue) -> None:
    """With no mirrors set, the email says nothing of them."""
    mail = bulletin_email_content(bulletin=published_issue(), unsubscribe_url="u", manage_url="m")
    assert "blocked" not in mail.text
