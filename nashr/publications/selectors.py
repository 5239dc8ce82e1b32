"""Reads of publications, each with a fixed number of queries.

The reads every public page makes with its own arguments (a publication and its versions,
a kind's list, a month of the archive, the navigation's kinds) answer from a
``PublicationPreload`` while one is active (see ``core.preload``): the static mirror
loads them once for the tens of thousands of pages it renders.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from nashr.core import calendars
from nashr.core.languages import codes
from nashr.core.preload import active_preload
from nashr.publications.language_versions import shown_in
from nashr.publications.models import Kind, Publication, Status


def publications_due() -> list[int]:
    """The ids of the unpublished publications whose publishing time has come."""
    due = Publication.objects.filter(publish_at__lte=timezone.now())
    return list(due.exclude(status=Status.PUBLISHED).values_list("pk", flat=True))


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
    """The published publication `pk`, with its kind, signatory and original."""
    preload = active_preload(PublicationPreload)
    if preload is not None and pk in preload.publications:
        return preload.publications[pk]
    return (
        Publication.objects.published()
        .select_related("kind", "signatory", "translation_of")
        .filter(pk=pk)
        .first()
    )


def publication_versions(*, publication: Publication) -> list[Publication]:
    """The other published language versions of a publication, by language."""
    preload = active_preload(PublicationPreload)
    if preload is not None and publication.pk in preload.versions:
        return preload.versions[publication.pk]
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
    preload = active_preload(PublicationPreload)
    if preload is not None and preload.whole_lists:
        return preload.archive_months(language)
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


def archive_month(
    *, language: str, year: int, month: int
) -> QuerySet[Publication] | list[Publication]:
    """What a reader of `language` sees for a month of that language's calendar."""
    preload = active_preload(PublicationPreload)
    if preload is not None and preload.whole_lists:
        return preload.month_lists(language).get((year, month), [])
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
        for language in codes():
            if language == original.language:
                continue
            translation = by_language.get(language)
            if translation is None:
                gaps.append(TranslationGap(original, language, None))
            elif translation.is_outdated:
                gaps.append(TranslationGap(original, language, translation))
    return gaps


def kind_by_slug(*, slug: str) -> Kind | None:
    preload = active_preload(PublicationPreload)
    if preload is not None:
        return preload.kinds_by_slug.get(slug)
    return Kind.objects.filter(slug=slug).first()


def navigation_kinds() -> QuerySet[Kind] | list[Kind]:
    """The kinds in the site's navigation (read when a page shows them)."""
    preload = active_preload(PublicationPreload)
    return preload.kinds if preload is not None else Kind.objects.all()


def kind_listing(*, kind: Kind, language: str) -> QuerySet[Publication] | list[Publication]:
    """A kind's list as a reader of `language` sees it, newest first."""
    preload = active_preload(PublicationPreload)
    if preload is not None:
        return preload.kind_listing(language, kind)
    return publication_for_language(language=language).filter(kind=kind)


def kinds_with_counts() -> QuerySet[Kind]:
    return Kind.objects.annotate(
        published=Count("publication", filter=Q(publication__status=Status.PUBLISHED))
    )


def latest_update(*, language: str) -> dt.datetime | None:
    latest = publication_for_language(language=language).order_by("-published_at").first()
    return latest.published_at if latest else None


class PublicationPreload:
    """The reads of the public pages, loaded once for a rendering of many (``core.preload``).

    `whole_lists`: most pages will be rendered (the mirror's full build), so each
    language's list is read whole once and every kind's list and month of the archive is
    a part of it; else (an edit renders a few pages) a kind's list is read alone, and a
    month of the archive by its own query. Lists are read without the publications' text,
    which no list shows.
    """

    def __init__(self, *, whole_lists: bool) -> None:
        self.whole_lists = whole_lists
        self.kinds = list(Kind.objects.all())
        self.kinds_by_slug = {kind.slug: kind for kind in self.kinds}
        self.publications: dict[int, Publication] = {}
        self.versions: dict[int, list[Publication]] = {}
        self._lists: dict[str, list[Publication]] = {}
        self._by_kind: dict[tuple[str, int], list[Publication]] = {}
        self._by_month: dict[str, dict[tuple[int, int], list[Publication]]] = {}
        self._months: dict[str, list[ArchiveMonth]] = {}

    def load_publications(self, pks: Collection[int] | None) -> None:
        """The published publications `pks` (all if None) and their other versions, for
        ``publication_detail`` and ``publication_versions``."""
        published = Publication.objects.published().select_related(
            "kind", "signatory", "translation_of"
        )
        if pks is not None:
            keys = Publication.objects.filter(pk__in=list(pks)).values("translation_key")
            published = published.filter(translation_key__in=keys)
        by_key: dict[object, list[Publication]] = defaultdict(list)
        for publication in published:
            self.publications[publication.pk] = publication
            by_key[publication.translation_key].append(publication)
        for publication in self.publications.values():
            others = by_key[publication.translation_key]
            self.versions[publication.pk] = sorted(
                (v for v in others if v.pk != publication.pk), key=lambda v: v.language
            )

    def listing(self, language: str) -> list[Publication]:
        """``publication_for_language``, read once."""
        if language not in self._lists:
            listed = publication_for_language(language=language).defer("body", "body_html")
            self._lists[language] = list(listed)
        return self._lists[language]

    def kind_listing(self, language: str, kind: Kind) -> list[Publication]:
        key = (language, kind.pk)
        if key not in self._by_kind:
            if self.whole_lists:
                listed = [p for p in self.listing(language) if p.kind_id == kind.pk]
            else:
                alone = publication_for_language(language=language).filter(kind=kind)
                listed = list(alone.defer("body", "body_html"))
            self._by_kind[key] = listed
        return self._by_kind[key]

    def month_lists(self, language: str) -> dict[tuple[int, int], list[Publication]]:
        """Each month of the archive (in the language's calendar) and what it lists."""
        if language not in self._by_month:
            months: dict[tuple[int, int], list[Publication]] = defaultdict(list)
            for publication in self.listing(language):
                months[calendars.month_of(publication.date, language)].append(publication)
            self._by_month[language] = dict(months)
        return self._by_month[language]

    def archive_months(self, language: str) -> list[ArchiveMonth]:
        if language not in self._months:
            lists = self.month_lists(language)
            self._months[language] = [
                ArchiveMonth(year, month, len(lists[(year, month)]), label)
                for year, month in sorted(lists, reverse=True)
                for label in [calendars.format_month(year, month, language)]
            ]
        return self._months[language]
