"""Versions of one publication are linked, and a changed original outdates its translations."""

from __future__ import annotations

import pytest

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ValidationError
from nashr.core.languages import codes
from nashr.publications import selectors, services
from nashr.publications.models import Publication


def test_translation_shares_key_and_records_revision(make_publication) -> None:
    """A translation takes the original's translation key and current revision."""
    original = make_publication()
    translation = services.translation_create(
        actor=COMMAND, original=original, language="en", title="Statement on political prisoners"
    )
    assert translation.translation_key == original.translation_key
    assert translation.source_revision == original.revision == 1
    assert not translation.is_outdated


def test_second_version_in_same_language_is_refused(make_publication) -> None:
    """Two versions of one publication cannot share a language."""
    original = make_publication()
    services.translation_create(actor=COMMAND, original=original, language="en", title="One")
    with pytest.raises(ValidationError, match="already has a version"):
        services.translation_create(actor=COMMAND, original=original, language="en", title="Two")
    assert Publication.objects.count() == 2


def test_changing_the_original_outdates_the_translation(make_publication) -> None:
    """Editing the original's body makes its translation outdated; catching up clears it."""
    original = make_publication()
    translation = services.translation_create(
        actor=COMMAND, original=original, language="en", title="T"
    )
    services.publication_update(actor=COMMAND, publication=original, body="متن تازه")
    translation.refresh_from_db()
    assert translation.is_outdated
    gaps = selectors.translation_gaps()
    further = [(original.pk, code, None) for code in codes()[2:]]  # missing, if configured
    assert [(g.original.pk, g.language, g.translation) for g in gaps] == [
        (original.pk, "en", translation),
        *further,
    ]
    services.publication_update(
        actor=COMMAND, publication=translation, body="New text", source_revision=original.revision
    )
    translation.refresh_from_db()
    assert not translation.is_outdated
    gaps = selectors.translation_gaps()
    assert [(g.original.pk, g.language, g.translation) for g in gaps] == further


def test_metadata_change_does_not_outdate(make_publication) -> None:
    """Changing only the date or the slug is no new revision of the text."""
    original = make_publication()
    translation = services.translation_create(
        actor=COMMAND, original=original, language="en", title="T"
    )
    services.publication_update(actor=COMMAND, publication=original, slug="new-slug")
    translation.refresh_from_db()
    assert not translation.is_outdated


def test_missing_translation_is_a_gap(make_publication) -> None:
    """An original with no English version is listed as missing English (and as missing
    each further language the site has)."""
    original = make_publication()
    gaps = selectors.translation_gaps()
    assert [(g.original.pk, g.language, g.translation) for g in gaps] == [
        (original.pk, code, None) for code in codes() if code != "fa"
    ]
