"""Fixtures shared by every app's tests: kinds, signatories and a publication factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from nashr.publications import services
from nashr.publications.models import Kind, Publication, Signatory, Status


@pytest.fixture
def kinds(db: None) -> dict[str, Kind]:
    """The four kinds every installation starts with (created by a data migration).

    A transactional test (live server, threads) empties every table when it ends,
    the migration's kinds included, so they are made again here when missing.
    """
    from nashr.testing.pages import ensure_default_kinds

    return ensure_default_kinds()


@pytest.fixture
def signatory(db: None) -> Signatory:
    return Signatory.objects.create(
        slug="executive-committee",
        name_fa="کمیته اجرایی",
        name_en="Executive Committee",
    )


@pytest.fixture
def make_publication(
    kinds: dict[str, Kind], signatory: Signatory
) -> Callable[..., Publication]:
    """A factory: published Persian statements unless told otherwise."""

    def make(**overrides: Any) -> Publication:
        fields: dict[str, Any] = {
            "kind": kinds["statement"],
            "language": "fa",
            "title": "بیانیه درباره آزادی زندانیان سیاسی",
            "body": "متن بیانیه.\n\nپاراگراف دوم.",
            "date": dt.date(2023, 10, 31),
            "signatory": signatory,
            "status": Status.PUBLISHED,
        }
        fields.update(overrides)
        return services.publication_create(**fields)

    return make


# The browser, HTML checker and accessibility checker fixtures, and the representative
# site content that the public-page checks use (see nashr/testing/).
pytest_plugins = ["nashr.testing.plugin"]
