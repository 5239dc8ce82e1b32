"""Keeps the search index in step with publications (filled in by the search issue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nashr.publications.models import Publication


def search_index_update(*, publication: Publication) -> None:
    """Index a publication if published, drop it from the index otherwise."""
