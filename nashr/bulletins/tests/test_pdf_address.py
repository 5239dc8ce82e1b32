"""Each published issue has a public PDF address, and its page links it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from nashr.core.pagecache import CACHE_STATUS_HEADER

PDF_LINK = re.compile(r'<a href="(?P<href>[^"]+)" type="application/pdf">(?P<text>[^<]+)</a>')


def _pdf_link(page: str) -> re.Match[str]:
    found = PDF_LINK.search(page)
    assert found is not None, "no link to the PDF"
    return found


def test_issue_page_links_its_pdf(client: Client, published_issue, persian_series) -> None:
    """The page of each issue links a PDF of it, in its own language, that the site serves."""
    for bulletin in (published_issue(), published_issue(persian_series)):
        page = client.get(bulletin.get_absolute_url()).content.decode()
        link = _pdf_link(page)
        assert link["href"] == bulletin.get_absolute_url() + "bulletin.pdf"
        response = client.get(link["href"])
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        expected = f'inline; filename="{bulletin.series.slug}-{bulletin.number}.pdf"'
        assert response["Content-Disposition"] == expected
    assert _pdf_link(page)["text"] == "این شماره در یک پرونده‌ی PDF"


def test_no_pdf_for_drafts_and_unknown_numbers(client: Client, english_series) -> None:
    """A draft, a number not given and a series that does not exist have no PDF."""
    from nashr.bulletins import services
    from nashr.core.actors import COMMAND

    services.bulletin_draft(
        actor=COMMAND, series=english_series, year=2023, month=11, editorial_body="Draft."
    )
    for path in (
        "/en/bulletins/iran-bulletin/47/bulletin.pdf",
        "/en/bulletins/no-such-series/1/bulletin.pdf",
    ):
        assert client.get(path).status_code == 404


def test_pdf_under_another_language_redirects(client: Client, published_issue) -> None:
    """The PDF is at one address: under the other language's prefix it redirects there."""
    bulletin = published_issue()
    response = client.get(f"/fa/bulletins/{bulletin.series.slug}/{bulletin.number}/bulletin.pdf")
    assert response.status_code == 301
    assert response["Location"] == bulletin.get_pdf_url()


@pytest.fixture
def page_cache_on(settings: Any) -> None:
    settings.NASHR_PAGE_CACHE = True
    cache.clear()


def test_pdf_is_kept_like_a_public_page(page_cache_on, published_issue) -> None:
    """The PDF is rendered once, then served from the page cache, and answers 304 when held."""
    url = published_issue().get_pdf_url()
    reader = Client()
    first = reader.get(url)
    second = reader.get(url)
    assert first[CACHE_STATUS_HEADER] == "miss" and second[CACHE_STATUS_HEADER] == "hit"
    assert second.content == first.content and second["Content-Type"] == "application/pdf"
    assert reader.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
