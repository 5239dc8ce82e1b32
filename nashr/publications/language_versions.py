"""Which language version of a publication to show or link: the one rule.

A reader of `language` (a page of the site, a bulletin of a series in that language, the
static mirror's lists) gets the publication's version in `language`; where it has none,
its original (the version that translates no other). The same rule in two forms, held
equal by ``tests/test_language_versions.py`` over every case:

* ``version_to_show``: among versions already read (a bulletin's items, the mirror's
  fingerprints);
* ``shown_in``: as a filter of published publications, for lists read from the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.db.models import Q

from nashr.publications.models import Publication


class Version(Protocol):
    """What the rule reads of a version: a `Publication`, or a record of one."""

    @property
    def language(self) -> str: ...

    @property
    def is_original(self) -> bool: ...


V = TypeVar("V", bound=Version)


def version_to_show(versions: Iterable[V], *, language: str) -> V | None:
    """The version in `language`, else the original; None if `versions` hold neither.

    `versions` are the published versions of one publication (one translation key).
    """
    original = None
    for version in versions:
        if version.language == language:
            return version
        if original is None and version.is_original:
            original = version
    return original


def shown_in(language: str) -> Q:
    """``version_to_show`` as a filter of published publications: one entry each."""
    translated_keys = (
        Publication.objects.published().filter(language=language).values("translation_key")
    )
    return Q(language=language) | (
        Q(translation_of__isnull=True) & ~Q(translation_key__in=translated_keys)
    )
