"""Publishing gives numbers from the series' first number on, once each, and freezes."""

from __future__ import annotations

import pytest

from nashr.bulletins import services
from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.actors import COMMAND
from nashr.core.exceptions import StateError, ValidationError


def _draft(series, make_publication, title: str) -> Bulletin:
    make_publication(title=title)
    return services.bulletin_draft(actor=COMMAND, series=series, year=2023, month=11)


def test_numbers_start_at_first_number_and_run_on(english_series, make_publication) -> None:
    """A migrated series starting at 47 publishes 47, then 48, in publishing order."""
    first = _draft(english_series, make_publication, "one")
    second = _draft(english_series, make_publication, "two")
    assert services.bulletin_publish(actor=COMMAND, bulletin=second).number == 47
    assert services.bulletin_publish(actor=COMMAND, bulletin=first).number == 48
    assert first.status == BulletinStatus.PUBLISHED and first.document is not None


def test_publishing_twice_is_refused(english_series, make_publication) -> None:
    """A published issue cannot be published again; its number stays."""
    bulletin = services.bulletin_publish(
        actor=COMMAND, bulletin=_draft(english_series, make_publication, "one")
    )
    with pytest.raises(StateError):
        services.bulletin_publish(actor=COMMAND, bulletin=bulletin)
    bulletin.refresh_from_db()
    assert bulletin.number == 47


def test_numbers_are_never_reused(english_series, make_publication) -> None:
    """Removing the latest issue does not give its number again."""
    bulletin = services.bulletin_publish(
        actor=COMMAND, bulletin=_draft(english_series, make_publication, "one")
    )
    bulletin.items.all().delete()
    bulletin.delete()
    again = services.bulletin_publish(
        actor=COMMAND, bulletin=_draft(english_series, make_publication, "two")
    )
    assert again.number == 48


def test_first_number_cannot_go_back(english_series, make_publication) -> None:
    """Setting the first number at or below a number already given is refused."""
    services.bulletin_publish(
        actor=COMMAND, bulletin=_draft(english_series, make_publication, "one")
    )
    with pytest.raises(ValidationError, match="already been given"):
        services.series_create_or_update(
            actor=COMMAND, slug=english_series.slug, title="x", language="en", first_number=40
        )


def test_empty_draft_is_not_published(english_series) -> None:
    """A draft with no items and no editorial is refused with a hint."""
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11)
    with pytest.raises(ValidationError, match="no items"):
        services.bulletin_publish(actor=COMMAND, bulletin=draft)
    draft.refresh_from_db()
    assert draft.number is None and english_series.bulletins.get().status == "draft"


def test_gregorian_year_for_jalali_series_is_refused(persian_series) -> None:
    """A Persian series counts Jalali months: 2023 as its year is an error saying so."""
    with pytest.raises(ValidationError, match="Jalali"):
        services.bulletin_draft(actor=COMMAND, series=persian_series, year=2023, month=11)
