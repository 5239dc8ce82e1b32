"""RSS and Atom feeds per language and per kind parse, carry their language, and no markup."""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Kind, Signatory, Status
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


PIXEL = "<img src=https://tracker.example/p.gif>"


def _texts(root: ET.Element) -> dict[str, list[str]]:
    """Every element's text and attribute values in a feed, by the element's tag."""
    found: dict[str, list[str]] = {}
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        found.setdefault(tag, []).append(element.text or "")
        found[tag].extend(element.attrib.values())
    return found


@pytest.mark.parametrize(
    "path",
    ["/en/feeds/rss/", "/en/feeds/atom/", "/en/feeds/pixel/rss/", "/en/feeds/pixel/atom/"],
)
def test_no_plain_field_goes_out_as_markup(client: Client, kinds: Any, path: str) -> None:
    """Markup typed into a title, summary, signatory or kind reaches no feed reader as markup."""
    kind = Kind.objects.create(
        slug="pixel",
        names={"fa": "نوع", "en": f"Kind {PIXEL}"},
        plurals={"en": f"Kinds {PIXEL}"},
    )
    signatory = Signatory.objects.create(slug="s", names={"fa": "امضا", "en": f"Council {PIXEL}"})
    title = f"Wages & {PIXEL} prices"
    summary = f"A summary {PIXEL} with a pixel."
    common: dict[str, Any] = {
        "actor": COMMAND,
        "kind": kind,
        "language": "en",
        "signatory": signatory,
    }
    services.publication_create(
        title=title, summary=summary, date=dt.date(2024, 1, 2), status=Status.PUBLISHED, **common
    )
    services.publication_create(
        title="Body only",
        body=f"Text {PIXEL} and <script>alert(1)</script>.",
        date=dt.date(2024, 1, 1),
        status=Status.PUBLISHED,
        **common,
    )
    response = client.get(path)
    assert response.status_code == 200
    texts = _texts(ET.fromstring(response.content))  # noqa: S314 (our own response)
    html_fields = {"description", "summary"}
    for tag, values in texts.items():
        for value in values:
            # A reader taking any field for HTML finds no element in it...
            assert "<img" not in value and "<script" not in value, (tag, value)
            if tag not in html_fields:
                assert "<" not in value, (tag, value)
    # ...and shows the words as they were typed.
    assert title in [html.unescape(value) for value in texts["title"]]
    descriptions = texts.get("description", []) + texts.get("summary", [])
    assert summary in [html.unescape(value) for value in descriptions]
    everything = [html.unescape(value) for values in texts.values() for value in values]
    assert f"Council {PIXEL}" in everything
