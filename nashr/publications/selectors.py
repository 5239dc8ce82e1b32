"""Reads of publications, each with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from nashr.core import calendars
from nashr.core.languages import Language
from nashr.publications.language_versions import shown_in
from nashr.publications.models import Kind, Publication, Status


def publication_list(
    *, kind: Kind | None = None, language: str | None = None
) -> QuerySet[Publication]:
    """Published publications, newest first, with what a list shows."""
    qs = Publication.objects.published().select_related("kind", "signatory")
    if kind is not None:
        qs = qs.filter(kind=kind)
    if language is not None:
        qs = qs.filter(language=language)
    return qs.order_by("-date", "-id")


def publication_for_language(*, language: str) -> QuerySet[Publication]:
    """One entry per publication, the version ``language_versions`` shows in `language`.

    A reader of the English site sees every statement, in English where translated.
    """
    return publication_list().filter(shown_in(language))


def publication_detail(*, pk: int) -> Publication | None:
    return (
        Publication.objects.published()
        .select_related("kind", "signatory", "translation_of")
        .filter(pk=pk)
        .first()
    )


def publication_versions(*, publication: Publication) -> list[Publication]:
    """The other published language versions of a publication, by language."""
    return list(
        Publication.objects.published()
        .filter(translation_key=publication.translation_key)
        .exclude(pk=publication.pk)
        .select_related("translation_of")
        .order_by("language")
    )


@dataclass(frozen=True)
class ArchiveMonth:
    year: int
    month: int
    count: int
    label: str


def archive_months(*, language: str) -> list[ArchiveMonth]:
    """Months (in the language's calendar) that have publications, newest first."""
    counts: dict[tuple[int, int], int] = {}
    # Counted per day by the database: a day's month is worked out once (a Jalali
    # conversion each), not once per publication of a large archive.
    days = (
        publication_for_language(language=language)
        .order_by()
        .values_list("date")
        .annotate(number=Count("pk"))
    )
    for date, number in days:
        key = calendars.month_of(date, language)
        counts[key] = counts.get(key, 0) + number
    return [
        ArchiveMonth(year, month, count, calendars.format_month(year, month, language))
        for (year, month), count in sorted(counts.items(), reverse=True)
    ]


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    months: list[ArchiveMonth]


def archive_years(*, language: str) -> list[ArchiveYear]:
    """The archive's months grouped by year of the language's calendar, newest first."""
    years: dict[int, list[ArchiveMonth]] = {}
    for month in archive_months(language=language):
        years.setdefault(month.year, []).append(month)
    return [ArchiveYear(year, months) for year, months in years.items()]


def archive_month(*, language: str, year: int, month: int) -> QuerySet[Publication]:
    """What a reader of `language` sees for a month of that language's calendar."""
    first, last = calendars.month_bounds(year, month, language)
    return publication_for_language(language=language).filter(date__range=(first, last))


@dataclass(frozen=True)
class TranslationGap:
    original: Publication
    language: str
    translation: Publication | None  # None: missing; else outdated


def translation_gaps() -> list[TranslationGap]:
    """Originals with no translation into a language, and outdated translations."""
    originals = (
        Publication.objects.filter(translation_of__isnull=True)
        .exclude(status=Status.DRAFT)
        .select_related("kind")
        .prefetch_related(
            Prefetch("translations", queryset=Publication.objects.select_related("translation_of"))
        )
        .order_by("-date", "-id")
    )
    gaps: list[TranslationGap] = []
    for original in originals:
        by_language = {t.language: t for t in original.translations.all()}
        for language in Language.values:
            if language == original.language:
                continue
            translation = by_language.get(language)
            if translation is None:
                gaps.append(TranslationGap(original, language, None))
            elif translation.is_outdated:
                gaps.append(TranslationGap(original, language, translation))
    return gaps


def kinds_with_counts() -> QuerySet[Kind]:
    return Kind.objects.annotate(
        published=Count("publication", filter=Q(publication__status=Status.PUBLISHED))
    )


def latest_update(*, language: str) -> dt.datetime | None:
    latest = publication_for_language(language=language).order_by("-published_at").first()
    return latest.published_at if latest else None
