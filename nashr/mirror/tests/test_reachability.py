"""NASHR_MIRROR_URLS and NASHR_ONION_URL on the live site."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db


@override_settings(NASHR_ONION_URL="http://nashrexample.onion")
def test_onion_location_header_on_pages(site_content: SiteContent, client: Client) -> None:
    """A page answers with Onion-Location naming the same page on the onion service."""
    response = client.get("/en/archive/")
    assert response["Onion-Location"] == "http://nashrexample.onion/en/archive/"
    assert 'http-equiv="onion-location"' not in response.content.decode()


def test_no_onion_location_without_the_setting(site_content: SiteContent, client: Client) -> None:
    """With NASHR_ONION_URL unset, no page names an onion service."""
    assert "Onion-Location" not in client.get("/en/archive/")


@override_settings(NASHR_MIRROR_URLS=["https://a.example/nashr/", "https://b.example/"])
def test_site_names_its_mirrors(site_content: SiteContent, client: Client) -> None:
    """Every page tells readers where else to read the site if it is blocked."""
    page = client.get("/fa/").content.decode()
    assert 'href="https://a.example/nashr/"' in page
    assert 'href="https://b.example/"' in page
    assert "site-footer__mirrors" in page
