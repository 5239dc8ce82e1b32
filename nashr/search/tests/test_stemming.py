"""Latin words are stemmed by the Snowball stemmer of their text's language, and a query
is read once per stemmer of the languages it searches (issue 24)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import override_settings

from nashr.publications.models import Publication
from nashr.search import normalize
from nashr.search.backends import Filters
from nashr.search.query import Clause, parse_query
from nashr.search.selectors import search
from nashr.search.tests.conftest import assert_index_consistent, found_ids

MakePublication = Callable[..., Publication]
FOUR = [("fa", "Persian"), ("en", "English"), ("ckb", "Central Kurdish"), ("de", "German")]
TWO = [("fa", "Persian"), ("en", "English")]

pytestmark = pytest.mark.django_db


@override_settings(LANGUAGES=FOUR)
def test_a_german_publication_is_found_by_a_german_inflection(
    make_publication: MakePublication,
) -> None:
    """ "Wahlen" finds a German text that says "Wahl" (German stems, which English's
    "wahlen" would not give), on the whole site and in German alone, and marks the word."""
    german = make_publication(
        language="de", title="Die Wahl in Hessen", body="Die Wahl wurde verschoben."
    )
    make_publication(language="en", title="Whales in the bay", body="Whales were seen.")
    assert found_ids("Wahlen") == [german.pk]
    assert found_ids("Wahlen", language="de") == [german.pk]
    assert found_ids("Wahlen", language="en") == []
    results = search(query=parse_query("Wahlen"), filters=Filters())
    assert str(results.hits[0].title_html) == "Die <mark>Wahl</mark> in Hessen"
    assert_index_consistent()


@override_settings(LANGUAGES=FOUR)
def test_a_search_in_german_reads_words_as_german_only(make_publication: MakePublication) -> None:
    """Restricted to German, a word is read by the German stemmer alone: "Streiking",
    whose English stem is «streik», does not find a German text about a Streik, while
    the German inflection "Streiks" does."""
    german = make_publication(language="de", title="Streik", body="Der Streik dauert an.")
    assert found_ids("Streiks", language="de") == [german.pk]
    assert found_ids("Streiking", language="de") == []


@override_settings(LANGUAGES=FOUR)
def test_english_is_stemmed_as_before(make_publication: MakePublication) -> None:
    """With German configured too, "prisoners" and "released PRISONER" still find the
    English text about a prisoner whom a court releases."""
    english = make_publication(
        language="en", title="On a prisoner", body="The court releases him today."
    )
    assert found_ids("prisoners") == [english.pk]
    assert found_ids("released PRISONER") == [english.pk]
    assert found_ids('"court releases" -whales') == [english.pk]


@override_settings(LANGUAGES=FOUR)
def test_persian_text_is_indexed_as_with_two_languages(make_publication: MakePublication) -> None:
    """A Persian text (Arabic letters, marks, ZWNJ and a quoted English name) gives the
    same terms with four languages as with two, and is found the same ways."""
    text = "زندانيانِ سياسی می‌روند به کتاب ها؛ گزارش Amnesty International Prisoners"
    with override_settings(LANGUAGES=TWO):
        before = normalize.analyze(text, stemmer=normalize.stemmer_of("fa"))
    assert normalize.analyze(text, stemmer=normalize.stemmer_of("fa")) == before
    assert normalize.stemmer_of("fa") == normalize.stemmer_of("ckb") == "english"
    persian = make_publication(title="گزارش", body=text)
    assert found_ids("زندانیان سیاسی") == [persian.pk]
    assert found_ids("میروند کتابها prisoner") == [persian.pk]


@override_settings(LANGUAGES=FOUR)
def test_readings_that_agree_are_one() -> None:
    """A query has one alternative where the stemmers agree (Persian words, a search in
    one language) and one per differing reading otherwise; exclusions hold in each."""
    persian = parse_query("زندانیان سیاسی")
    assert persian.alternatives == ((Clause(("زندانیان",)), Clause(("سیاسی",))),)
    assert parse_query("Wahlen", languages=["de"]).alternatives == ((Clause(("wahl",)),),)
    both = parse_query('Wahlen "Streiks heute" -Parteien')
    assert both.alternatives == (
        (Clause(("wahlen",)), Clause(("streik", "heut"))),
        (Clause(("wahl",)), Clause(("streik", "heut"))),
    )
    assert both.exclude == (Clause(("parteien",)), Clause(("partei",)))


@override_settings(LANGUAGES=TWO)
def test_one_stemmer_one_reading() -> None:
    """On a site of Persian and English, every query has one reading: English's stems."""
    assert parse_query("prisoners Wahlen").alternatives == (
        (Clause(("prison",)), Clause(("wahlen",))),
    )


def test_stemming_from_many_threads_at_once() -> None:
    """Threads of one process (`nashr serve` runs several) stem at the same time and each
    gets the stems it would get alone: a stemmer holds its word while it works."""
    import threading

    from nashr.search.normalize import stem

    words = [
        f"{root}{ending}"
        for root in ("strik", "elect", "wahl", "prison")
        for ending in ("e", "es", "ing", "ed", "ers", "ation", "ations", "ungen", "ist", "ists")
    ] * 40
    alone = {
        (word, language): stem(word, language)
        for word in words
        for language in ("english", "german")
    }
    wrong: list[tuple[str, str, str]] = []

    def work(language: str) -> None:
        for word in words:
            got = stem(word, language)
            if got != alone[(word, language)]:
                wrong.append((word, language, got))

    threads = [threading.Thread(target=work, args=(lang,)) for lang in ("english", "german") * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
