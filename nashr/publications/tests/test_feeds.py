"""RSS and Atom feeds per language and per kind parse and carry their language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from nashr.testing.pages import SiteContent

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _rss(client: Client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


def _atom(client: Client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own response)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_rss_carries_the_language_and_its_versions(
    client: Client, site_content: SiteContent, language: str
) -> None:
    """/fa/ and /en/ RSS name their language and list that language's version of each item."""
    channel = _rss(client, f"/{language}/feeds/rss/").find("channel")
    assert channel is not None
    assert channel.findtext("language") == language
    titles = [item.findtext("title") for item in channel.iter("item")]
    statement = site_content[f"statement_{language}"]
    assert statement.title in titles
    assert site_content["draft_fa"].title not in titles
    links = [item.findtext("link") or "" for item in channel.iter("item")]
    assert all(f"/{language}/p/" in link for link in links)


def test_atom_marks_entries_in_another_language(client: Client, site_content: SiteContent) -> None:
    """The English Atom feed is xml:lang="en"; an untranslated Persian entry says xml:lang="fa"."""
    feed = _atom(client, "/en/feeds/atom/")
    assert feed.get(XML_LANG) == "en"
    languages = {
        entry.findtext(f"{ATOM}title"): entry.get(XML_LANG) for entry in feed.iter(f"{ATOM}entry")
    }
    assert languages[site_content["article_fa"].title] == "fa"
    assert languages[site_content["statement_en"].title] is None


def test_kind_feeds_hold_only_their_kind(client: Client, site_content: SiteContent) -> None:
    """The Persian statements feeds (RSS and Atom) list statements and nothing else."""
    channel = _rss(client, "/fa/feeds/statement/rss/").find("channel")
    assert channel is not None
    assert channel.findtext("language") == "fa"
    assert [i.findtext("title") for i in channel.iter("item")] == [
        site_content["statement_fa"].title
    ]
    feed = _atom(client, "/fa/feeds/statement/atom/")
    assert feed.get(XML_LANG) == "fa"
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == [
        site_content["statement_fa"].title
    ]


def test_unknown_kind_feed_is_404(client: Client, db: None) -> None:
    """A feed for a kind that does not exist answers 404."""
    assert client.get("/en/feeds/no-such-kind/rss/").status_code == 404
