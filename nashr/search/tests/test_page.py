"""The search page: results across languages, filters, marks, pages, and hostile input."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client

from nashr.publications.models import Kind, Publication

MakePublication = Callable[..., Publication]


def page(client: Client, path: str = "/fa/search/", **params: str) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def result_links(html: str) -> list[str]:
    return re.findall(r'<h3><a href="([^"]+)"', html)


def test_header_links_to_search(client: Client, db: None) -> None:
    """Every page's header links to the search page in its language."""
    assert 'href="/fa/search/"' in page(client, "/fa/")
    assert 'href="/en/search/"' in page(client, "/en/")


def test_empty_search_shows_the_labelled_form(client: Client, db: None) -> None:
    """Without a query the page shows the form, each field with its label."""
    html = page(client)
    assert '<form class="search-form" method="get" action="/fa/search/" role="search">' in html
    for field_id in ("search-q", "id_language", "id_kind", "id_date_from", "id_date_to"):
        assert f'<label for="{field_id}">' in html
        assert f'id="{field_id}"' in html
    assert "<ol" not in html


def test_results_across_languages_in_their_own_direction(
    client: Client, make_publication: MakePublication
) -> None:
    """A search finds both languages; each result carries its own lang and dir."""
    persian = make_publication(title="گزارش Amnesty درباره اعدام", body="")
    english = make_publication(language="en", title="Amnesty on executions", body="")
    html = page(client, "/fa/search/", q="amnesty")
    items = re.findall(r'<li lang="(\w+)" dir="(\w+)">\s*<h3><a href="([^"]+)"', html)
    assert sorted(items) == sorted(
        [
            ("fa", "rtl", persian.get_absolute_url()),
            ("en", "ltr", english.get_absolute_url()),
        ]
    )


def test_matches_are_marked_in_title_and_snippet(
    client: Client, make_publication: MakePublication
) -> None:
    """The matched words are in <mark>, as written in the publication."""
    make_publication(title="بیانیه درباره زندانیان", body="ما برای آزادی زندانیان سیاسی می‌کوشیم.")
    html = page(client, q="زندانيان")
    assert "<h3><a" in html and "درباره <mark>زندانیان</mark></a></h3>" in html
    assert "آزادی <mark>زندانیان</mark> سیاسی" in html


def test_snippet_is_text_not_html(client: Client, make_publication: MakePublication) -> None:
    """Snippets are made from the text, escaped: markup of the body does not leak."""
    make_publication(body="**اعتصاب** کارگران <b>نفت</b> & گاز")
    html = page(client, q="اعتصاب")
    assert "<mark>اعتصاب</mark> کارگران نفت &amp; گاز" in html


def test_language_and_kind_filters(
    client: Client, make_publication: MakePublication, kinds: dict[str, Kind]
) -> None:
    """The language and kind filters narrow the results."""
    statement = make_publication(title="Amnesty بیانیه", body="")
    report = make_publication(title="Amnesty گزارش", body="", kind=kinds["report"])
    english = make_publication(language="en", title="Amnesty report", body="")
    assert result_links(page(client, q="amnesty", language="en")) == [english.get_absolute_url()]
    assert result_links(page(client, q="amnesty", language="fa", kind="report")) == [
        report.get_absolute_url()
    ]
    assert statement.get_absolute_url() in result_links(page(client, q="amnesty"))


def test_jalali_date_range_with_persian_digits(
    client: Client, make_publication: MakePublication
) -> None:
    """On /fa/ dates are Jalali, in Persian or Latin digits."""
    inside = make_publication(body="اعتصاب اول", date=dt.date(2023, 10, 31))  # 1402-08-09
    make_publication(body="اعتصاب دوم", date=dt.date(2023, 11, 1))  # 1402-08-10
    html = page(client, q="اعتصاب", date_from="۱۴۰۲-۰۸-۰۱", date_to="1402/08/09")
    assert result_links(html) == [inside.get_absolute_url()]


def test_gregorian_date_range_on_english_page(
    client: Client, make_publication: MakePublication
) -> None:
    """On /en/ dates are Gregorian."""
    make_publication(body="اعتصاب اول", date=dt.date(2023, 10, 31))
    later = make_publication(body="اعتصاب دوم", date=dt.date(2023, 11, 1))
    html = page(client, "/en/search/", q="اعتصاب", date_from="2023-11-01")
    assert result_links(html) == [later.get_absolute_url()]


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/fa/search/", {"date_from": "۱۴۰۲-۱۳-۰۱"}, "۱۴۰۲-۱۳-۰۱"),
        ("/fa/search/", {"date_to": "1402-02-31x"}, "1402-02-31x"),
        ("/en/search/", {"date_from": "yesterday"}, "“yesterday” is not a date"),
        ("/en/search/", {"date_from": "2023-02-30"}, "“2023-02-30” is not a date"),
        ("/en/search/", {"date_from": "2023-11-10", "date_to": "2023-11-01"}, "is before"),
        ("/en/search/", {"kind": "no-such-kind"}, "Select a valid choice"),
        ("/en/search/", {"language": "xx"}, "Select a valid choice"),
    ],
)
def test_bad_filters_say_what_to_fix(
    client: Client,
    make_publication: MakePublication,
    path: str,
    params: dict[str, str],
    message: str,
) -> None:
    """An impossible date or unknown choice is shown next to its field, on a normal page."""
    make_publication(body="اعتصاب")
    html = page(client, path, q="اعتصاب", **params)
    errors = re.findall(r'<p class="field-error" id="(\w+)">(.*?)</p>', html)
    assert len(errors) == 1 and message in errors[0][1]
    assert re.search(rf'aria-describedby="{errors[0][0]}[ "]', html)
    assert result_links(html) == []


def test_phrase_and_exclusion_on_the_page(
    client: Client, make_publication: MakePublication
) -> None:
    """Quoted phrases and -word work from the form."""
    keep = make_publication(title="خبر", body="آزادی زندانیان سیاسی")
    make_publication(title="خبر", body="آزادی زندانیان سیاسی و اعدام")
    make_publication(title="خبر", body="زندانیان آزادی")
    html = page(client, q='"آزادی زندانیان" -اعدام')
    assert result_links(html) == [keep.get_absolute_url()]


def test_results_are_paginated(client: Client, make_publication: MakePublication) -> None:
    """Twenty results a page, with links to the next and previous pages."""
    for number in range(25):
        make_publication(title=f"خبر {number}", body="اعتصاب")
    first = page(client, q="اعتصاب")
    assert len(result_links(first)) == 20
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = page(client, q="اعتصاب", page="2")
    assert len(result_links(second)) == 5
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert len(result_links(page(client, q="اعتصاب", page="abc"))) == 20


def test_nothing_found_says_so(client: Client, db: None) -> None:
    """A search with no match says so, with advice."""
    assert "Nothing matched" in page(client, "/en/search/", q="nonexistentword")


def test_unpublished_never_on_the_page(client: Client, make_publication: MakePublication) -> None:
    """Drafts are not shown, however they are searched for."""
    make_publication(status="draft", title="سند محرمانه", body="محرمانه")
    assert "محرمانه" not in page(client, q="محرمانه").split("<h1>")[1].split("</form>")[1]


HOSTILE = [
    '"unbalanced quote',
    'a"b"c"',
    "NEAR(prisoner release, 2)",
    "prisoner AND OR NOT release",
    "prison* ^start",
    "title:prisoner body:release",
    "{title body}: x",
    "'; DROP TABLE publications_publication; --",
    "1' OR '1'='1",
    "\x00prisoner\x00",
    "(((((",
    ")))",
    "-",
    '"',
    "*",
    "!!! & | <-> :*",
    "<script>alert(1)</script>",
    "x" * 10_000,
    "prisoner " * 2000,
    "زندانی " * 1500,
    '"' + "word " * 3000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda text: repr(text[:20]))
def test_hostile_queries_give_a_normal_page(
    client: Client, make_publication: MakePublication, text: str
) -> None:
    """Engine operators, SQL, NUL bytes, broken quotes and 10 kB of text give a 200 page."""
    make_publication(language="en", title="Prisoner release", body="A prisoner was released.")
    html = page(client, "/en/search/", q=text)
    assert "<h1>Search</h1>" in html
    assert "<script>" not in html


def test_unparsable_query_gets_advice(client: Client, db: None) -> None:
    """A query with nothing to look for says what to type."""
    html = page(client, "/en/search/", q="* ( ) :")
    assert 'role="alert"' in html and "Type one or more words" in html
    html = page(client, "/en/search/", q="-draft")
    assert "Add at least one word to look for" in html


def test_nul_bytes_in_filters(client: Client, db: None) -> None:
    """NUL bytes in any field give a normal page."""
    page(client, "/en/search/", q="a\x00b", date_from="\x00", kind="\x00", language="\x00")


def test_results_cost_no_query_each(client: Client, make_publication: MakePublication) -> None:
    """A page of twelve results asks the database no more than a page of two: what a result
    shows is loaded with it (kind, date, language, title, snippet text)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(12):
        make_publication(title=f"گزارش شماره {number}", body=f"متن اعتصاب {number}")
    make_publication(title="گزارش دیگر", body="متن کمیاب یک")
    make_publication(title="گزارش دیگر", body="متن کمیاب دو")
    counts = []
    for query in ("کمیاب", "اعتصاب"):
        page(client, q=query)  # the kinds' names and the like, cached once
        with CaptureQueriesContext(connection) as queries:
            html = page(client, q=query)
        counts.append(len(queries))
        assert html.count("<mark>") >= len(result_links(html)) > 1
    assert counts[0] == counts[1], counts
