"""detail_paths(): every publication's address as get_absolute_url() gives it, in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from nashr.publications.models import Publication
from nashr.publications.sitemaps import detail_paths


@pytest.mark.django_db
def test_detail_paths_equal_get_absolute_url(
    make_publication: Callable[..., Publication],
) -> None:
    slugs = [
        "plain-slug",
        "بیانیه-کمیته-درباره-اعدام",  # Persian: percent-encoded as reverse() does
        "with space & (brackets) ~:@ !$'*+,;=",  # the characters reverse() leaves alone
        "100%-sure?#frag",
        "",  # no slug: "-"
    ]
    publications = [
        make_publication(
            language=("fa", "en")[index % 2],
            title=f"Publication {index}",
            date=dt.date(2024, 1, 1),
        )
        for index in range(len(slugs))
    ]
    for publication, slug in zip(publications, slugs, strict=True):
        Publication.objects.filter(pk=publication.pk).update(slug=slug)
        publication.slug = slug
    assert detail_paths(publications) == {p.pk: p.get_absolute_url() for p in publications}
