"""Snippets: the words around a result's first match, found however the word was written."""

from __future__ import annotations

import pytest

from nashr.search import normalize
from nashr.search.highlight import SNIPPET_BEFORE, snippet

FILLER_FA = "امروز در شهر و روستا مردم به خیابان آمدند و از حقوق خود گفتند"
FILLER_EN = "people came to the streets of the city and spoke about their lives"


def terms(query: str) -> frozenset[str]:
    return frozenset(normalize.terms(query, stemmer="english"))


@pytest.mark.parametrize(
    ("written", "query"),
    [
        ("می‌روند", "میروند"),  # ZWNJ in the text, none in the query
        ("می روند", "می‌روند"),  # prefix written apart
        ("کتاب‌ها", "کتاب ها"),  # suffix with ZWNJ, query spaced
        ("كارگران", "کارگران"),  # Arabic kaf in the text
        ("زندانيان", "زندانیان"),  # Arabic yeh
        ("آزادی", "ازادی"),  # alef with madda
    ],
)
def test_a_match_deep_in_a_long_text_is_shown_with_the_words_before_it(
    written: str, query: str
) -> None:
    text = " ".join([FILLER_FA] * 200) + f" سپس {written} پایان " + " ".join([FILLER_FA] * 5)
    shown = snippet(text, terms(query), stemmer="english")
    assert "<mark>" in shown, shown
    marked = shown.split("<mark>", 1)[1].split("</mark>", 1)[0]
    assert marked == written
    before = shown.split("<mark>", 1)[0].removeprefix("… ").split()
    assert len(before) == SNIPPET_BEFORE
    assert before[-1] == "سپس"
    assert shown.startswith("… ")


def test_english_stems_match_other_forms() -> None:
    text = " ".join([FILLER_EN] * 100) + " the workers were striking again " + FILLER_EN
    shown = snippet(text, terms("strike"), stemmer="english")
    assert "<mark>striking</mark>" in shown


def test_a_text_without_a_match_shows_its_first_words() -> None:
    text = " ".join([FILLER_EN] * 50)
    shown = snippet(text, terms("prisoners"), stemmer="english")
    assert "<mark>" not in shown
    assert shown.startswith("people came to the streets")
    assert shown.endswith(" …")


def test_one_letter_words_do_not_hide_a_later_match() -> None:
    # "و" (and) is in the term "دولت"; a text full of it still shows the real match.
    text = " و ".join(["الف"] * 300) + " دولت " + " و ".join(["ب"] * 10)
    shown = snippet(text, terms("دولت"), stemmer="english")
    assert "<mark>دولت</mark>" in shown


def test_text_of_sanitized_html_keeps_blocks_apart_and_reads_entities() -> None:
    from nashr.core.content import render_markdown
    from nashr.search.documents import html_to_text

    html = render_markdown(
        '# Title\n\nFirst **bold** & [link](https://example.org/?a=1&b=2 "a>b").\n\n'
        "- one\n- two\n\n> quoted <i>words</i>"
    )
    lines = [line for line in html_to_text(html).splitlines() if line]
    assert lines == ["Title", "First bold & link.", "one", "two", "quoted words"]
