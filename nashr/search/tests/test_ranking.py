"""Ranking quality: a title match is not lost behind the newest body matches."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone

from nashr.publications.models import Kind, Publication, Status
from nashr.search.backends import CANDIDATES
from nashr.search.services import search_reindex
from nashr.search.tests.conftest import found_ids

LONG_BODY = " ".join(["Workers of the oil industry went on strike in twelve cities."] * 40)


def _bulk_publications(kind: Kind, count: int) -> None:
    """`count` English publications mentioning "freedom" once, deep in a long body."""
    now = timezone.now()
    Publication.objects.bulk_create(
        Publication(
            kind=kind,
            language="en",
            title=f"Report number {number} on the month",
            slug=f"report-{number}",
            summary="",
            body=f"{LONG_BODY} They asked for freedom. {LONG_BODY}",
            body_html=f"<p>{LONG_BODY} They asked for freedom. {LONG_BODY}</p>",
            date=dt.date(2024, 1, 1) + dt.timedelta(days=number % 300),
            status=Status.PUBLISHED,
            published_at=now,
            translation_key=uuid.uuid4(),
        )
        for number in range(count)
    )


@pytest.mark.django_db
def test_title_match_ranks_above_many_newer_body_mentions(
    make_publication: Callable[..., Publication], kinds: dict[str, Kind]
) -> None:
    """A publication with a common term in its title comes first, though older than the
    newest 1,000 publications that mention the term once in a long body."""
    titled = make_publication(
        language="en",
        title="Freedom for the political prisoners",
        body="A short statement.",
        date=dt.date(2020, 5, 1),
    )
    _bulk_publications(kinds["statement"], CANDIDATES + 200)
    search_reindex()
    assert found_ids("freedom")[0] == titled.pk
    assert found_ids("freedom", language="en")[0] == titled.pk
    assert found_ids("freedom prisoners")[0] == titled.pk
