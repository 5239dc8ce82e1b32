"""The sitemap lists public pages with hreflang alternates of their other versions."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.conf import settings
from django.test import Client

from nashr.testing.pages import SiteContent

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _sitemap(client: Client) -> dict[str, dict[str, str]]:
    """Each <loc> with its alternates by hreflang."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return {
        url.findtext(f"{SM}loc") or "": {
            link.get("hreflang") or "": link.get("href") or ""
            for link in url.findall(f"{XHTML}link")
            if link.get("rel") == "alternate"
        }
        for url in root.findall(f"{SM}url")
    }


def test_translated_publication_has_both_alternates(
    client: Client, site_content: SiteContent
) -> None:
    """A statement and its translation each name both versions; drafts are left out."""
    entries = _sitemap(client)
    fa_url = settings.NASHR_SITE_URL + site_content["statement_fa"].get_absolute_url()
    en_url = settings.NASHR_SITE_URL + site_content["statement_en"].get_absolute_url()
    assert entries[fa_url] == {"fa": fa_url, "en": en_url}
    assert entries[en_url] == {"fa": fa_url, "en": en_url}
    article = settings.NASHR_SITE_URL + site_content["article_fa"].get_absolute_url()
    assert entries[article] == {"fa": article}
    draft = settings.NASHR_SITE_URL + f"/fa/p/{site_content['draft_fa'].pk}/"
    assert not any(loc.startswith(draft) for loc in entries)


def test_home_pages_are_alternates_of_each_other(client: Client, db: None) -> None:
    """/fa/ and /en/ are listed, each naming the other."""
    entries = _sitemap(client)
    site = settings.NASHR_SITE_URL
    both = {"fa": f"{site}/fa/", "en": f"{site}/en/"}
    assert entries[f"{site}/fa/"] == both
    assert entries[f"{site}/en/"] == both
