"""A draft proposes every publication the series has not carried yet, once, oldest first."""

from __future__ import annotations

import datetime as dt

from nashr.bulletins import services
from nashr.bulletins.models import BulletinItem
from nashr.core.actors import COMMAND
from nashr.publications import services as publication_services


def _proposed(draft) -> list[int]:
    return list(draft.items.order_by("order").values_list("publication_id", flat=True))


def test_nothing_carried_twice_nothing_missed(english_series, make_publication) -> None:
    """A second draft proposes exactly what the published first issue did not carry."""
    old = make_publication(title="old", date=dt.date(2023, 9, 30))
    first = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    assert _proposed(first) == [old.pk]
    services.bulletin_publish(actor=COMMAND, bulletin=first)
    late = make_publication(title="late but dated earlier", date=dt.date(2023, 9, 1))
    new = make_publication(title="new", date=dt.date(2023, 11, 2))
    second = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11)
    assert _proposed(second) == [late.pk, new.pk]


def test_unpublished_drafts_do_not_hide_publications(english_series, make_publication) -> None:
    """A publication on a draft that was never published is proposed again."""
    statement = make_publication(title="s")
    services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    again = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11)
    assert _proposed(again) == [statement.pk]


def test_one_entry_per_publication_in_series_language(
    english_series, persian_series, statement_pair
) -> None:
    """Each publication appears once: its English version for English, the original else."""
    original, translation = statement_pair(title="پ", date=dt.date(2023, 10, 1))
    lone, _ = statement_pair(title="ت", date=dt.date(2023, 10, 2), translated=False)
    english = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    persian = services.bulletin_draft(actor=COMMAND, series=persian_series, year=1402, month=7)
    assert _proposed(english) == [translation.pk, lone.pk]
    assert _proposed(persian) == [original.pk, lone.pk]


def test_carried_translation_counts_for_the_original(english_series, statement_pair) -> None:
    """Once an issue carried the English version, the Persian original is not proposed."""
    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    services.bulletin_publish(
        actor=COMMAND,
        bulletin=services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10),
    )
    assert (
        _proposed(
            services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11)
        )
        == []
    )


def test_only_the_series_kinds(english_series, make_publication, kinds) -> None:
    """A series limited to statements does not propose news or articles."""
    english_series.kinds.set([kinds["statement"]])
    statement = make_publication(title="s", kind=kinds["statement"])
    make_publication(title="n", kind=kinds["news"])
    make_publication(title="draft statement", status="draft")
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    assert _proposed(draft) == [statement.pk]


def test_editorial_and_items_editable_order(english_series, make_publication) -> None:
    """Items are stored in steps so that an editor can slot one in between."""
    make_publication(title="a", date=dt.date(2023, 10, 1))
    make_publication(title="b", date=dt.date(2023, 10, 2))
    draft = services.bulletin_draft(
        actor=COMMAND,
        series=english_series,
        year=2023,
        month=10,
        editorial_title="t",
        editorial_body="b",
    )
    orders = list(BulletinItem.objects.filter(bulletin=draft).values_list("order", flat=True))
    assert orders == [10, 20]
    assert (draft.editorial_title, draft.editorial_body) == ("t", "b")


def test_translation_published_later_is_preferred(english_series, make_publication) -> None:
    """A translation published after the original was carried elsewhere is still one entry."""
    original = make_publication(title="پ")
    translation = publication_services.translation_create(
        actor=COMMAND, original=original, language="en", title="E"
    )
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    assert _proposed(draft) == [original.pk]  # the translation is only a draft yet
    publication_services.publication_publish(actor=COMMAND, publication=translation)
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    assert _proposed(draft) == [translation.pk]
