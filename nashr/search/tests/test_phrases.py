"""Phrases: found where their words stand together in one part of a text, on both engines.

PostgreSQL finds a two-word phrase by a lexeme of its own (the pair, migration 0004) and
a longer one by its pairs and then the order of its words; SQLite by FTS5's positions.
These cases would tell the two apart if either went wrong."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Publication
from nashr.search.services import search_reindex
from nashr.search.tests.conftest import found_ids

MakePublication = Callable[..., Publication]


def _both_ways(check: Callable[[], None]) -> None:
    """`check` with the index as the row triggers keep it, and after a full rebuild."""
    check()
    search_reindex()
    check()


def test_two_and_three_word_phrases(make_publication: MakePublication) -> None:
    """A phrase finds only texts where its words stand together, in its order."""
    together = make_publication(
        language="en", title="Report", body="Workers of the oil industry went on strike."
    )
    apart = make_publication(
        language="en", title="Report", body="The industry of oil went quiet; on strike."
    )
    reversed_order = make_publication(
        language="en", title="Report", body="Industry oil, strike went on."
    )

    def check() -> None:
        assert found_ids('"oil industry"') == [together.pk]
        assert found_ids('"went on strike"') == [together.pk]
        assert found_ids('"industry oil"') == [reversed_order.pk]
        assert sorted(found_ids("oil industry")) == sorted(
            [together.pk, apart.pk, reversed_order.pk]
        )

    _both_ways(check)


def test_a_phrase_does_not_run_from_the_title_into_the_body(
    make_publication: MakePublication,
) -> None:
    """The title's last word and the body's first are not a phrase (as FTS5 reads its
    columns), nor are two words of different texts."""
    across = make_publication(
        language="en", title="Strikes in the oil", body="Industry workers went home."
    )
    inside = make_publication(language="en", title="Strikes", body="The oil industry stopped.")

    def check() -> None:
        assert found_ids('"oil industry"') == [inside.pk]
        assert found_ids('"strikes in the oil"') == [across.pk]

    _both_ways(check)


def test_left_out_phrases_and_words_beside_a_phrase(make_publication: MakePublication) -> None:
    """-"a b" leaves out texts holding the phrase, not those holding its words apart; a
    phrase and a word, or a phrase without a word, each mean what they say."""
    phrase = make_publication(language="en", title="One", body="The oil industry went on strike.")
    words = make_publication(language="en", title="Two", body="The industry of oil went on strike.")
    both = make_publication(language="en", title="Three", body="Oil industry workers and teachers.")

    def check() -> None:
        assert sorted(found_ids('strike -"oil industry"')) == [words.pk]
        assert sorted(found_ids('"oil industry" teachers')) == [both.pk]
        assert sorted(found_ids('"oil industry" -teachers')) == [phrase.pk]
        assert found_ids('"oil industry" -"went on strike"') == [both.pk]

    _both_ways(check)


def test_an_edit_moves_the_phrases(make_publication: MakePublication) -> None:
    """After an edit, a phrase the text no longer holds does not find it, a new one does."""
    publication = make_publication(
        language="en", title="Report", body="The oil industry went on strike."
    )
    services.publication_update(
        actor=COMMAND, publication=publication, body="The industry of oil is back at work."
    )
    assert found_ids('"oil industry"') == []
    assert found_ids('"back at work"') == [publication.pk]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT phrase_vector::text FROM search_vector WHERE publication_id = %s",
                [publication.pk],
            )
            assert "'oil industry'" not in cursor.fetchone()[0]
