"""Reads of series and issues, each with a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from nashr.bulletins.document import build_document
from nashr.bulletins.models import Bulletin, BulletinStatus, Series
from nashr.bulletins.schema import BulletinDocument, document_read
from nashr.core.exceptions import NotFound
from nashr.publications.language_versions import version_to_show
from nashr.publications.models import Publication


def bulletins_due() -> list[int]:
    """The ids of the drafts whose publishing time has come."""
    due = Bulletin.objects.filter(publish_at__lte=timezone.now(), status=BulletinStatus.DRAFT)
    return list(due.values_list("pk", flat=True))


def series_list() -> QuerySet[Series]:
    """Every series with the number of its published issues."""
    return Series.objects.annotate(
        published=Count("bulletins", filter=Q(bulletins__status=BulletinStatus.PUBLISHED))
    ).order_by("slug")


def series_next_number(*, series: Series) -> int:
    """The number the series' next published issue gets (`bulletin_publish` gives it under
    a lock; read without one, it is what a draft will get unless another is published first)."""
    highest = Bulletin.objects.filter(series=series).aggregate(n=Max("number"))["n"] or 0
    return max(series.first_number, (series.last_number or 0) + 1, highest + 1)


def series_get(*, slug: str) -> Series | None:
    return Series.objects.filter(slug=slug).first()


def bulletin_list(*, series: Series) -> QuerySet[Bulletin]:
    """The published issues of a series, newest first."""
    return (
        Bulletin.objects.filter(series=series, status=BulletinStatus.PUBLISHED)
        .select_related("series")
        .order_by("-number")
    )


def bulletin_published(*, series_slug: str, number: int) -> Bulletin | None:
    return (
        Bulletin.objects.filter(
            series__slug=series_slug, number=number, status=BulletinStatus.PUBLISHED
        )
        .select_related("series")
        .first()
    )


def bulletin_get(*, pk: int) -> Bulletin:
    """The issue (draft or published) with id `pk`; NotFound otherwise."""
    bulletin = Bulletin.objects.select_related("series").filter(pk=pk).first()
    if bulletin is None:
        raise NotFound(
            f"there is no bulletin with id {pk}", hint="`nashr bulletin draft` prints the id"
        )
    return bulletin


def bulletin_document(*, bulletin: Bulletin) -> BulletinDocument:
    """The frozen document of a published issue; a draft's document as it would read now."""
    if bulletin.is_published:
        return document_read(bulletin.document, where=f"bulletin {bulletin.pk}")
    return build_document(bulletin=bulletin)


def bulletin_proposal(*, series: Series) -> list[Publication]:
    """What a new draft of the series proposes, oldest first.

    Every published publication of the series' kinds (all kinds if none are chosen) that
    no published issue of the series has carried in any of its language versions; one
    entry per publication, in the version `language_versions.version_to_show` chooses (the oldest
    published one if it chooses none).
    """
    carried = Publication.objects.filter(
        bulletin_items__bulletin__series=series,
        bulletin_items__bulletin__status=BulletinStatus.PUBLISHED,
    ).values("translation_key")
    candidates = (
        Publication.objects.published()
        .exclude(translation_key__in=carried)
        .select_related("kind")
        .order_by("date", "id")
    )
    kinds = list(series.kinds.all())
    if kinds:
        candidates = candidates.filter(kind__in=kinds)
    versions: dict[str, list[Publication]] = {}
    for publication in candidates:
        versions.setdefault(str(publication.translation_key), []).append(publication)
    chosen = [
        version_to_show(group, language=series.language) or group[0] for group in versions.values()
    ]
    return sorted(chosen, key=lambda p: (p.date, p.pk))
