"""The sitemap lists public pages with hreflang alternates of their other versions."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from django.conf import settings
from django.test import Client

from nashr.core.languages import codes
from nashr.publications.models import Kind
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
    """A statement and its translations each name every version (one per language the
    site has); drafts are left out."""
    entries = _sitemap(client)
    versions = {
        code: settings.NASHR_SITE_URL + site_content[f"statement_{code}"].get_absolute_url()
        for code in codes()
    }
    for url in versions.values():
        assert entries[url] == versions
    article = settings.NASHR_SITE_URL + site_content["article_fa"].get_absolute_url()
    assert entries[article] == {"fa": article}
    draft = settings.NASHR_SITE_URL + f"/fa/p/{site_content['draft_fa'].pk}/"
    assert not any(loc.startswith(draft) for loc in entries)


def test_home_pages_are_alternates_of_each_other(client: Client, db: None) -> None:
    """/fa/, /en/ (and every further language's home) are listed, each naming the others."""
    entries = _sitemap(client)
    site = settings.NASHR_SITE_URL
    homes = {code: f"{site}/{code}/" for code in codes()}
    assert set(homes) >= {"fa", "en"}
    for url in homes.values():
        assert entries[url] == homes


def test_publications_give_when_they_last_changed(
    client: Client, site_content: SiteContent
) -> None:
    """Each publication's <lastmod> is the time it was last saved; the site's pages have none."""
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    lastmods = {
        url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")
    }
    statement = site_content["statement_fa"]
    lastmod = lastmods[settings.NASHR_SITE_URL + statement.get_absolute_url()]
    assert lastmod is not None
    assert dt.datetime.fromisoformat(lastmod) == statement.updated_at
    assert lastmods[f"{settings.NASHR_SITE_URL}/fa/"] is None


def test_kind_pages_and_archive_in_both_languages(client: Client, kinds: dict[str, Kind]) -> None:
    """Each kind's list and the archive are listed in every language, naming each other."""
    entries = _sitemap(client)
    site = settings.NASHR_SITE_URL
    for path in ("statement/", "archive/"):
        versions = {code: f"{site}/{code}/{path}" for code in codes()}
        for url in versions.values():
            assert entries[url] == versions


def test_robots_names_the_sitemap(client: Client) -> None:
    """robots.txt points crawlers at /sitemap.xml and away from the admin."""
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {settings.NASHR_SITE_URL}/sitemap.xml" in text
    assert "Disallow: /fa/admin/" in text
