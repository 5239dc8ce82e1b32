"""A reader's search text becomes clauses of terms, whatever was typed."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from nashr.search.query import MAX_CLAUSES, MAX_PHRASE_TERMS, Clause, parse_query


def test_words_are_separate_clauses() -> None:
    """Unquoted words must each be found, affixes joined first."""
    query = parse_query("زندانیان می روم")
    assert query.include == (Clause(("زندانیان",)), Clause(("میروم",)))


@pytest.mark.parametrize("quoted", ['"آزادی بیان"', "«آزادی بیان»", "“آزادی بیان”"])
def test_quoted_phrase_is_one_clause(quoted: str) -> None:
    """Straight, Persian and curly quotation marks make a phrase."""
    assert parse_query(quoted).include == (Clause(("ازادی", "بیان")),)


def test_minus_leaves_out_words_and_phrases() -> None:
    """-word and -"phrase" go to the excluded clauses."""
    query = parse_query('prisoners -released -"death penalty" covid-19', languages=["en"])
    assert query.include == (Clause(("prison",)), Clause(("covid",)), Clause(("19",)))
    assert query.exclude == (Clause(("releas",)), Clause(("death", "penalti")))


def test_unclosed_quote_runs_to_the_end_with_a_notice() -> None:
    """An unclosed quotation mark makes a phrase to the end and says so."""
    query = parse_query('rights "political prisoners', languages=["en"])
    assert query.ok
    assert query.include == (Clause(("right",)), Clause(("polit", "prison")))
    assert query.notices


def test_only_exclusions_is_an_error() -> None:
    """A search made only of -words says to add a word to look for."""
    query = parse_query("-foo -bar")
    assert not query.ok
    with override("en"):
        assert "look for" in str(query.error)


@pytest.mark.parametrize("text", ['"', "* ^ : ()", "-", "\x00\x00", "‌"])
def test_no_terms_is_an_error(text: str) -> None:
    """A search with no letters or digits is an error with advice, not an exception."""
    query = parse_query(text)
    assert not query.ok and query.error


def test_empty_is_not_an_error() -> None:
    """An empty search only shows the form."""
    assert parse_query("   ").empty


def test_long_query_is_cut_with_a_notice() -> None:
    """10 kB of text is cut to a bounded number of clauses, and the reader is told."""
    query = parse_query("word" * 2 + " " + " ".join(f"w{i}" for i in range(3000)))
    assert len(query.include) == MAX_CLAUSES
    assert len(query.notices) == 2


def test_long_phrase_is_cut() -> None:
    """A phrase keeps at most MAX_PHRASE_TERMS words."""
    query = parse_query('"' + " ".join(f"w{i}" for i in range(50)) + '"')
    assert len(query.include[0].terms) == MAX_PHRASE_TERMS


def test_repeated_words_count_once() -> None:
    """The same word typed twice is one clause."""
    assert len(parse_query("کتاب كتاب").include) == 1
