"""One rule for the language version to show: its Python and SQL forms agree in every case."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest

from nashr.publications import selectors
from nashr.publications.language_versions import version_to_show
from nashr.publications.models import Publication, Status

LANGUAGES = ("fa", "en")
STATES = (Status.PUBLISHED, Status.DRAFT, None)  # None: no such version


@pytest.mark.django_db
def test_python_and_sql_forms_show_the_same_versions(
    make_publication: Callable[..., Publication],
) -> None:
    """For every original language, every state of the original and of its translation,
    and every reader's language, version_to_show picks what publication_for_language lists."""
    groups: list[list[Publication]] = []
    cases = itertools.product(LANGUAGES, (Status.PUBLISHED, Status.DRAFT), STATES)
    for number, (language, original_state, translation_state) in enumerate(cases):
        original = make_publication(
            language=language,
            title=f"Original {number}",
            status=original_state,
            date=dt.date(2024, 1, 1) + dt.timedelta(days=number),
        )
        group = [original]
        if translation_state is not None:
            other = next(code for code in LANGUAGES if code != language)
            group.append(
                make_publication(
                    language=other,
                    title=f"Translation {number}",
                    status=translation_state,
                    date=original.date,
                    translation_of=original,
                )
            )
        groups.append(group)
    for reader in LANGUAGES:
        in_python = set()
        for group in groups:
            published = [version for version in group if version.is_published]
            chosen = version_to_show(published, language=reader)
            if chosen is not None:
                in_python.add(chosen.pk)
        in_sql = set(
            selectors.publication_for_language(language=reader).values_list("pk", flat=True)
        )
        assert in_python == in_sql
        # Every case shows something in some language, and the rule is not trivial.
        assert 0 < len(in_sql) < sum(len(group) for group in groups)
