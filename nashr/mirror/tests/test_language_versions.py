"""The mirror plans its lists by the site's rule for which language version to show."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest

from nashr.mirror.planning import publication_prints, shown_in
from nashr.publications import selectors
from nashr.publications.models import Publication, Status


@pytest.mark.django_db
def test_mirror_lists_what_the_site_lists(make_publication: Callable[..., Publication]) -> None:
    """For every state of an original and its translation, the publications the mirror's
    plan takes as listed in a language (from its fingerprints) are those the site lists."""
    cases = itertools.product(
        ("fa", "en"), (Status.PUBLISHED, Status.DRAFT), (Status.PUBLISHED, Status.DRAFT, None)
    )
    for number, (language, original_state, translation_state) in enumerate(cases):
        original = make_publication(
            language=language,
            title=f"Original {number}",
            status=original_state,
            date=dt.date(2024, 1, 1) + dt.timedelta(days=number),
        )
        if translation_state is not None:
            make_publication(
                language="en" if language == "fa" else "fa",
                title=f"Translation {number}",
                status=translation_state,
                date=original.date,
                translation_of=original,
            )
    prints, _slugs = publication_prints()
    for reader in ("fa", "en"):
        listed = selectors.publication_for_language(language=reader).values_list("pk", flat=True)
        assert shown_in(prints, reader) == {str(pk) for pk in listed}
