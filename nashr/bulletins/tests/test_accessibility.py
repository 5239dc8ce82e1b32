"""The bulletin's pages and email are valid HTML and pass axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from nashr.bulletins.rendering import bulletin_email_content
from nashr.testing.plugin import BrowserPage, check_html, describe_axe, describe_vnu, run_axe

TITLES = ("بیانیه درباره اعدام‌ها", "گزارش نشست ائتلاف", "خبر اعتصاب کارگران")
PAGES = (
    "/en/bulletins/",
    "/fa/bulletins/",
    "/en/bulletins/iran-bulletin/",
    "/en/bulletins/iran-bulletin/47/",
    "/fa/bulletins/khabarnameh/",
    "/fa/bulletins/khabarnameh/1/",
)


def _issues(published_issue, persian_series):
    english = published_issue(titles=TITLES)
    persian = published_issue(persian_series)
    return english, persian


def _emails(*bulletins) -> dict[str, str]:
    return {
        f"email-{b.series.language}": bulletin_email_content(
            bulletin=b, unsubscribe_url="https://x.test/u/", manage_url="https://x.test/m/"
        ).html
        for b in bulletins
    }


def test_pages_and_emails_are_valid_html(client: Client, published_issue, persian_series) -> None:
    """The Nu Html Checker finds no error in the archive pages, emails or stylesheets."""
    bulletins = _issues(published_issue, persian_series)
    documents = {
        path.strip("/").replace("/", "-"): client.get(path).content.decode() for path in PAGES
    }
    documents.update(_emails(*bulletins))
    stylesheets = {}
    for name in ("bulletin.css", "email.css", "print.css"):
        found = finders.find(f"bulletins/{name}")
        assert found is not None
        with open(found, encoding="utf-8") as css:
            stylesheets[name] = css.read()
    errors = check_html(documents, stylesheets=stylesheets)
    assert set(errors) >= set(documents)
    assert {name: describe_vnu(m) for name, m in errors.items() if m} == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_and_emails_pass_axe(
    live_server, axe_page: BrowserPage, published_issue, persian_series
) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the archive pages or in the emails."""
    bulletins = _issues(published_issue, persian_series)
    page = axe_page.page
    found: dict[str, list[str]] = {}
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        if violations := run_axe(page):
            found[path] = describe_axe(violations)
    for name, html in _emails(*bulletins).items():
        page.set_content(html)
        if violations := run_axe(page):
            found[name] = describe_axe(violations)
    assert found == {}
