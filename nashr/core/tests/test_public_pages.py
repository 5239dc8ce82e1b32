"""Every public page is valid HTML (Nu Html Checker) and passes axe-core's WCAG 2.1 AA rules.

The pages are listed once, in nashr/testing/pages.py, for every app to extend.
"""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from nashr.testing.pages import PUBLIC_PAGES, SiteContent
from nashr.testing.plugin import BrowserPage, check_html, describe_axe, describe_vnu, run_axe

# Known-bad documents checked in the same run, so a checker that silently checks
# nothing cannot pass the pages.
INVALID_HTML = '<!DOCTYPE html><html lang="en"><title>x</title><p dir="sideways">x</p></html>'
INACCESSIBLE_HTML = (
    "<!DOCTYPE html><html><head><title>x</title></head>"
    '<body><main><img src="data:," ><p style="color:#eee">faint</p></main></body></html>'
)


def test_public_pages_are_valid_html(client: Client, site_content: SiteContent) -> None:
    """The Nu Html Checker finds no error on any public page, nor in the stylesheet."""
    documents = {"canary": INVALID_HTML}
    for page in PUBLIC_PAGES:
        response = client.get(page.path(site_content))
        assert response.status_code == page.status, page.name
        documents[page.name] = response.content.decode()
    stylesheet = finders.find("nashr/site.css")
    assert stylesheet is not None
    with open(stylesheet, encoding="utf-8") as css:
        errors = check_html(documents, stylesheets={"site-css": css.read()})
    assert errors.pop("canary"), "the checker did not flag a known error"
    found = {name: describe_vnu(messages) for name, messages in errors.items() if messages}
    assert found == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_pass_axe(
    live_server, axe_page: BrowserPage, site_content: SiteContent
) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on any public page."""
    page = axe_page.page
    page.set_content(INACCESSIBLE_HTML)
    assert {v["id"] for v in run_axe(page)} >= {"image-alt", "html-has-lang"}
    found: dict[str, list[str]] = {}
    for public in PUBLIC_PAGES:
        response = page.goto(live_server.url + public.path(site_content))
        assert response is not None and response.status == public.status, public.name
        violations = run_axe(page)
        if violations:
            found[public.name] = describe_axe(violations)
    assert found == {}
