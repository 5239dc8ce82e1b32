"""A reader's browser goes from the Persian home page to a statement and its English version."""

from __future__ import annotations

import pytest

from nashr.testing.pages import SiteContent
from nashr.testing.plugin import BrowserPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIRECTION = "el => getComputedStyle(el).direction"


def test_persian_home_to_statement_to_english_version(
    live_server, browser_page: BrowserPage, site_content: SiteContent
) -> None:
    """Body is rtl on the Persian pages and ltr on the English one; nothing leaves 127.0.0.1."""
    page = browser_page.page
    statement_fa, statement_en = site_content["statement_fa"], site_content["statement_en"]

    page.goto(live_server.url + "/fa/")
    assert page.eval_on_selector("body", DIRECTION) == "rtl"
    page.get_by_role("link", name=statement_fa.title).click()
    page.wait_for_url(live_server.url + statement_fa.get_absolute_url())
    assert page.eval_on_selector("body", DIRECTION) == "rtl"
    assert page.eval_on_selector("article", DIRECTION) == "rtl"

    page.locator('.versions a[hreflang="en"]').click()
    page.wait_for_url(live_server.url + statement_en.get_absolute_url())
    assert page.eval_on_selector("body", DIRECTION) == "ltr"
    assert page.eval_on_selector("article", DIRECTION) == "ltr"
    assert page.locator("h1").inner_text() == statement_en.title

    # The header's switch leads back to the Persian version of the same statement.
    assert page.locator('.language-switch a[hreflang="fa"]').get_attribute("href") == (
        statement_fa.get_absolute_url()
    )
    # Vazirmatn came from this site, and the strict CSP blocked nothing the page needs.
    assert page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts].some("
        "f => f.family.replaceAll('\"', '') === 'Vazirmatn' && f.status === 'loaded'))"
    )
    assert any("Vazirmatn" in url for url in browser_page.recorder.requests)
    assert browser_page.console_errors() == []
    browser_page.recorder.assert_local()
    assert all(url.startswith(live_server.url) for url in browser_page.recorder.requests)


def test_persian_statement_on_english_page_reads_right_to_left(
    live_server, browser_page: BrowserPage, site_content: SiteContent
) -> None:
    """An untranslated Persian article in the English list and page is laid out rtl."""
    page = browser_page.page
    article = site_content["article_fa"]
    page.goto(live_server.url + "/en/")
    item = page.locator("li.item", has_text=article.title)
    assert item.evaluate(DIRECTION) == "rtl"
    assert page.eval_on_selector("body", DIRECTION) == "ltr"
    item.get_by_role("link", name=article.title).click()
    assert page.url.startswith(live_server.url + "/en/p/")
    assert page.eval_on_selector("body", DIRECTION) == "ltr"
    assert page.eval_on_selector("article", DIRECTION) == "rtl"
    assert browser_page.console_errors() == []


def test_recorder_refuses_other_hosts(live_server, browser_page: BrowserPage) -> None:
    """A page that asks another host is caught: the request is refused and reported."""
    page = browser_page.page
    page.set_content('<img src="http://example.invalid/pixel.png" alt="">')
    page.wait_for_load_state("networkidle")
    assert browser_page.recorder.foreign == ["http://example.invalid/pixel.png"]
    browser_page.recorder.foreign.clear()  # caught on purpose; the teardown check passes
