"""The public pages answer in each language with direction taken from the content."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client, RequestFactory
from django.utils.translation import override
from django.views.defaults import server_error

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.testing.pages import SiteContent, publication_in


def _item_attrs(html: str, title: str) -> tuple[str, str]:
    """lang and dir of the list item holding `title`."""
    for match in re.finditer(r'<li class="item" lang="(\w+)" dir="(\w+)">(.*?)</li>', html, re.S):
        if title in match.group(3):
            return match.group(1), match.group(2)
    raise AssertionError(f"no list item with {title!r}")


def _switch_href(html: str) -> str:
    match = re.search(r'<ul class="language-switch"[^>]*>\s*<li><a href="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_root_follows_accept_language(client: Client, db: None) -> None:
    """`/` sends an English browser to /en/ and a Persian one to /fa/."""
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fa-IR,fa;q=0.9")["Location"] == "/fa/"


def test_html_direction_follows_interface_language(client: Client, db: None) -> None:
    """/fa/ is rtl, /en/ is ltr."""
    assert '<html lang="fa" dir="rtl">' in client.get("/fa/").content.decode()
    assert '<html lang="en" dir="ltr">' in client.get("/en/").content.decode()


def test_content_in_the_other_language_is_wrapped(
    client: Client, site_content: SiteContent
) -> None:
    """Persian items on /en/ carry lang=fa dir=rtl; English items on /fa/ lang=en dir=ltr."""
    english = client.get("/en/").content.decode()
    assert _item_attrs(english, site_content["article_fa"].title) == ("fa", "rtl")
    assert _item_attrs(english, site_content["statement_en"].title) == ("en", "ltr")
    persian = client.get("/fa/").content.decode()
    assert _item_attrs(persian, site_content["news_en"].title) == ("en", "ltr")
    assert _item_attrs(persian, site_content["statement_fa"].title) == ("fa", "rtl")
    # The note saying the item is untranslated is in the page's language.
    assert '<p class="item__note" lang="fa" dir="rtl">فعلاً فقط به انگلیسی</p>' in persian


def test_dates_follow_the_page_calendar(client: Client, site_content: SiteContent) -> None:
    """Persian pages show Jalali dates in Persian digits, English pages Gregorian written out."""
    persian = client.get(site_content["statement_fa"].get_absolute_url()).content.decode()
    assert '<time datetime="2024-02-10">۲۱ بهمن ۱۴۰۲</time>' in persian
    english = client.get(site_content["statement_en"].get_absolute_url()).content.decode()
    assert '<time datetime="2024-02-10">February 10, 2024</time>' in english


def test_publication_links_its_translation(client: Client, site_content: SiteContent) -> None:
    """A Persian page links its English version visibly, with hreflang, and in the switch."""
    original, translation = site_content["statement_fa"], site_content["statement_en"]
    html = client.get(original.get_absolute_url()).content.decode()
    assert (
        f'<link rel="alternate" hreflang="en" '
        f'href="http://127.0.0.1:8000{translation.get_absolute_url()}">'
    ) in html
    assert f'<a href="{translation.get_absolute_url()}" hreflang="en">' in html
    assert _switch_href(html) == translation.get_absolute_url()
    back = client.get(translation.get_absolute_url()).content.decode()
    assert _switch_href(back) == original.get_absolute_url()


def test_untranslated_publication_read_from_english(
    client: Client, site_content: SiteContent
) -> None:
    """/en/p/<Persian>/ keeps the English interface, says so, and wraps the text rtl."""
    article = site_content["article_fa"]
    response = client.get(publication_in("en", article))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert '<article class="publication" lang="fa" dir="rtl">' in html
    assert "has not been translated into English yet" in html
    assert f'rel="canonical" href="http://127.0.0.1:8000{article.get_absolute_url()}"' in html
    assert _switch_href(html) == article.get_absolute_url()
    # From its own Persian page, with no English version, the switch leads to /en/.
    assert _switch_href(client.get(article.get_absolute_url()).content.decode()) == "/en/"


def test_version_in_the_interface_language_is_preferred(
    client: Client, site_content: SiteContent
) -> None:
    """/en/p/<Persian original>/ sends the reader to the English version when there is one."""
    response = client.get(publication_in("en", site_content["statement_fa"]))
    assert response.status_code == 302
    assert response["Location"] == site_content["statement_en"].get_absolute_url()


def test_wrong_slug_redirects_within_the_interface_language(
    client: Client, site_content: SiteContent
) -> None:
    """An old slug answers 301 to the page's address in the same interface language."""
    article = site_content["article_fa"]
    response = client.get(f"/en/p/{article.pk}/old-slug/")
    assert response.status_code == 301
    assert response["Location"] == publication_in("en", article)


def test_address_without_slug_redirects(client: Client, site_content: SiteContent) -> None:
    """/fa/p/<id>/ (a link whose long Persian slug was cut off) answers 301 to the page."""
    article = site_content["article_fa"]
    response = client.get(f"/fa/p/{article.pk}/")
    assert response.status_code == 301
    assert response["Location"] == publication_in("fa", article)
    assert client.get("/fa/p/999999/").status_code == 404


def test_outdated_translation_says_so(client: Client, site_content: SiteContent) -> None:
    """A translation of an older revision warns the reader and links the original."""
    html = client.get(site_content["report_en"].get_absolute_url()).content.decode()
    assert "The original has changed since this translation was made" in html
    assert f'<a href="{site_content["report_fa"].get_absolute_url()}" hreflang="fa">' in html


def test_language_switch_keeps_the_page(client: Client, site_content: SiteContent) -> None:
    """A kind list switches to the same list; a Jalali month to the English archive."""
    assert _switch_href(client.get("/fa/statement/").content.decode()) == "/en/statement/"
    assert _switch_href(client.get("/en/archive/").content.decode()) == "/fa/archive/"
    month = client.get("/fa/archive/1402/11/").content.decode()
    assert _switch_href(month) == "/en/archive/"


def test_archive_uses_each_language_calendar(client: Client, site_content: SiteContent) -> None:
    """/fa/archive/ lists Jalali months with Persian digits, /en/archive/ Gregorian months."""
    persian = client.get("/fa/archive/").content.decode()
    assert '<h2 id="year-1402">۱۴۰۲</h2>' in persian
    for month, name in ((12, "اسفند"), (11, "بهمن"), (10, "دی")):
        assert f'<a href="/fa/archive/1402/{month}/">{name}</a>' in persian
    english = client.get("/en/archive/").content.decode()
    assert '<h2 id="year-2024">2024</h2>' in english
    for month, name in ((3, "March"), (2, "February"), (1, "January")):
        assert f'<a href="/en/archive/2024/{month}/">{name}</a>' in english


def test_archive_month_lists_that_month(client: Client, site_content: SiteContent) -> None:
    """Bahman 1402 holds the statement of 10 February 2024 and not the 15 January article."""
    html = client.get("/fa/archive/1402/11/").content.decode()
    assert '<h1 class="page-title">بهمن ۱۴۰۲</h1>' in html
    assert site_content["statement_fa"].title in html
    assert site_content["article_fa"].title not in html
    assert 'href="/fa/archive/1402/12/" rel="next"' in html
    assert 'href="/fa/archive/1402/10/" rel="prev"' in html


@pytest.mark.parametrize(
    "path", ["/fa/archive/1402/13/", "/fa/archive/1390/1/", "/en/archive/2024/0/"]
)
def test_impossible_or_empty_month_is_404(
    client: Client, site_content: SiteContent, path: str
) -> None:
    """A month that does not exist, or holds nothing, answers 404."""
    assert client.get(path).status_code == 404


def test_kind_list_pages(client: Client, make_publication) -> None:
    """A long list is cut into pages linked with ?page=N and Persian digits in the label."""
    for day in range(21):
        make_publication(title=f"بیانیه {day}", date=dt.date(2024, 1, 1) + dt.timedelta(days=day))
    first = client.get("/fa/statement/").content.decode()
    assert first.count('<li class="item"') == 20
    assert 'href="?page=2" rel="next"' in first
    assert "صفحه‌ی ۱ از ۲" in first
    second = client.get("/fa/statement/?page=2").content.decode()
    assert second.count('<li class="item"') == 1
    assert 'href="?page=1" rel="prev"' in second


def test_drafts_are_not_public(client: Client, site_content: SiteContent) -> None:
    """A draft answers 404 and is missing from the lists."""
    draft = site_content["draft_fa"]
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/fa/").content.decode()
    assert draft.title not in client.get("/fa/statement/").content.decode()


def test_legacy_path_redirects(client: Client, make_publication) -> None:
    """An old address answers 301 to the publication's page."""
    publication = make_publication(legacy_path="/node/10158")
    response = client.get("/node/10158")
    assert response.status_code == 301
    assert response["Location"] == publication.get_absolute_url()


def test_not_found_page_in_both_languages(client: Client, db: None) -> None:
    """The 404 page speaks the address's language and offers a way back."""
    persian = client.get("/fa/p/999/nothing/")
    assert persian.status_code == 404
    assert '<html lang="fa" dir="rtl">' in persian.content.decode()
    assert "صفحه پیدا نشد" in persian.content.decode()
    assert _switch_href(persian.content.decode()) == "/en/"
    english = client.get("/en/p/999/nothing/")
    assert "Page not found" in english.content.decode()
    assert _switch_href(english.content.decode()) == "/fa/"


@pytest.mark.parametrize(
    ("language", "direction", "text"),
    [("fa", "rtl", "خطایی پیش آمد"), ("en", "ltr", "Something went wrong")],
)
def test_server_error_page_in_both_languages(language: str, direction: str, text: str) -> None:
    """The 500 page renders without the database, in the interface language."""
    with override(language):
        response = server_error(RequestFactory().get(f"/{language}/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert text in html


def test_english_original_without_persian_version(client: Client, make_publication, kinds) -> None:
    """An English original is listed on /fa/ and its page is readable from /fa/."""
    news = make_publication(language="en", title="Members meet", kind=kinds["news"])
    services.publication_update(actor=COMMAND, publication=news, summary="A meeting.")
    html = client.get("/fa/news/").content.decode()
    assert _item_attrs(html, "Members meet") == ("en", "ltr")
    page = client.get(publication_in("fa", news)).content.decode()
    assert '<article class="publication" lang="en" dir="ltr">' in page
