"""Reads of the fediverse app: the outbox, the follower counts, reactions."""

from __future__ import annotations

from django.db.models import Count

from nashr.federation.models import Follower, Reaction
from nashr.publications.models import Publication, Status

OUTBOX_SIZE = 20


def outbox_publications(*, language: str) -> tuple[int, list[Publication]]:
    """How many publications `language`'s actor has published, and the latest of them."""
    published = Publication.objects.filter(language=language, status=Status.PUBLISHED)
    latest = list(published.order_by("-published_at", "-id")[:OUTBOX_SIZE])
    return published.count(), latest


def follower_count(*, language: str) -> int:
    return Follower.objects.filter(language=language).count()


def reaction_counts(*, publication_id: int) -> dict[str, int]:
    """Likes and boosts of a publication, by kind."""
    rows = (
        Reaction.objects.filter(publication_id=publication_id)
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    return {kind: n for kind, n in rows}
