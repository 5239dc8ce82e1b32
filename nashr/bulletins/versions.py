"""Which language version of a publication a bulletin carries and links.

One rule for the draft's proposal and for the document's read-more links, so an issue
never carries one version and links another.
"""

from __future__ import annotations

from collections.abc import Iterable

from nashr.publications.models import Publication


def version_for(versions: Iterable[Publication], *, language: str) -> Publication | None:
    """The version in the bulletin's `language`, else the original; None if neither is given.

    `versions` are published versions of one publication (one translation key).
    """
    original = None
    for version in versions:
        if version.language == language:
            return version
        if original is None and version.translation_of_id is None:
            original = version
    return original
