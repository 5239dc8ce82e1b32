"""The public archive: an issue's page, the list of issues, the feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.test import Client

from nashr.bulletins import services
from nashr.core.actors import COMMAND

TITLES = ("بیانیه یک", "بیانیه دو")


def test_issue_page(client: Client, published_issue) -> None:
    """/en/bulletins/<series>/<number>/ shows the masthead and every item in its language."""
    bulletin = published_issue(titles=TITLES)
    assert bulletin.get_absolute_url() == "/en/bulletins/iran-bulletin/47/"
    page = client.get(bulletin.get_absolute_url()).content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "No. 47" in page and "November 2023" in page
    for item in bulletin.document["items"]:
        assert item["title"] in page and item["read_more"]["url"] in page
    assert '<h2 class="bulletin-item__title" id="bulletin-item-2" lang="fa" dir="rtl">' in page


def test_persian_issue_page_is_rtl(client: Client, published_issue, persian_series) -> None:
    """A Persian issue is served under /fa/ right to left with Persian digits."""
    published_issue(persian_series, titles=TITLES)
    page = client.get("/fa/bulletins/khabarnameh/1/").content.decode()
    assert '<html lang="fa" dir="rtl">' in page
    assert "آبان ۱۴۰۲" in page


def test_other_language_prefix_redirects(client: Client, published_issue) -> None:
    """An English issue asked for under /fa/ answers with its one address."""
    published_issue(titles=TITLES)
    response = client.get("/fa/bulletins/iran-bulletin/47/")
    assert (response.status_code, response["Location"]) == (301, "/en/bulletins/iran-bulletin/47/")


def test_language_switch_leads_out_of_an_issue(client: Client, published_issue) -> None:
    """On an issue's or a series' page the other language's link goes to its bulletins list.

    The same address under the other prefix only redirects back, so the reader would
    stay where they are.
    """
    bulletin = published_issue(titles=TITLES)
    for url in (bulletin.get_absolute_url(), "/en/bulletins/iran-bulletin/"):
        page = client.get(url).content.decode()
        assert '<a href="/fa/bulletins/" hreflang="fa"' in page, url
        assert "/fa/bulletins/iran-bulletin/" not in page


def test_drafts_and_unknown_numbers_are_not_public(client: Client, english_series) -> None:
    """A draft has no page; an unknown number answers 404."""
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11)
    assert draft.number is None
    assert client.get("/en/bulletins/iran-bulletin/47/").status_code == 404
    assert client.get("/en/bulletins/nothing/").status_code == 404


def test_list_and_feed(client: Client, published_issue, make_publication) -> None:
    """The series page lists issues newest first; the Atom feed has one entry per issue."""
    first = published_issue(titles=TITLES)
    make_publication(title="later")
    second = services.bulletin_publish(
        actor=COMMAND,
        bulletin=services.bulletin_draft(actor=COMMAND, series=first.series, year=2023, month=12),
    )
    page = client.get("/en/bulletins/iran-bulletin/").content.decode()
    assert page.index(second.get_absolute_url()) < page.index(first.get_absolute_url())
    assert "/en/bulletins/iran-bulletin/" in client.get("/en/bulletins/").content.decode()
    feed = client.get("/en/bulletins/iran-bulletin/feed/")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own feed
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entries] == [
        "Nashr Bulletin No. 48 — December 2023",
        "Nashr Bulletin No. 47 — November 2023",
    ]


def test_feed_is_in_the_series_language(client: Client, published_issue) -> None:
    """The series' Atom feed declares the series' language (it once wrote a method's repr)."""
    published_issue(titles=TITLES)
    feed = client.get("/en/bulletins/iran-bulletin/feed/")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own feed
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
