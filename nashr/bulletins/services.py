"""Every write to series and issues goes through these functions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from nashr.bulletins import selectors
from nashr.bulletins.document import build_document
from nashr.bulletins.models import Bulletin, BulletinItem, BulletinStatus, Series
from nashr.core import calendars
from nashr.core.exceptions import StateError, ValidationError
from nashr.core.languages import Language
from nashr.publications.models import Kind

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ITEM_ORDER_STEP = 10


def _validate_language(language: str) -> None:
    if language not in Language.values:
        raise ValidationError(
            f"unknown language “{language}”",
            where="language",
            hint=f"use one of: {', '.join(Language.values)}",
        )


@transaction.atomic
def series_create_or_update(
    *,
    slug: str,
    title: str,
    language: str,
    label: str | None = None,
    first_number: int | None = None,
    colophon: str | None = None,
    kinds: Iterable[Kind] | None = None,
) -> tuple[Series, bool]:
    """Create the series `slug` or update it; returns it and whether it was created.

    Options left as None keep their current value on an update.
    """
    if not SLUG_RE.match(slug):
        raise ValidationError(
            f"“{slug}” is not a usable slug",
            where="slug",
            hint="use lower-case letters, digits and hyphens, e.g. iran-bulletin",
        )
    if not title.strip():
        raise ValidationError("a series needs a title", where="title")
    _validate_language(language)
    series = Series.objects.select_for_update().filter(slug=slug).first()
    created = series is None
    if series is None:
        series = Series(slug=slug)
    elif series.language != language and series.bulletins.exists():
        raise ValidationError(
            f"series “{slug}” already has issues in “{series.language}”",
            where="language",
            hint="create a new series for another language",
        )
    if first_number is not None:
        if first_number < 1:
            raise ValidationError(
                f"first number {first_number} must be 1 or more", where="first-number"
            )
        if series.last_number is not None and first_number <= series.last_number:
            raise ValidationError(
                f"numbers up to {series.last_number} have already been given in “{slug}”",
                where="first-number",
                hint=f"give a number above {series.last_number}, or leave it out",
            )
        series.first_number = first_number
    series.title = title.strip()
    series.language = language
    if label is not None:
        series.label = label.strip()
    if colophon is not None:
        series.colophon = colophon.strip()
    series.save()
    if kinds is not None:
        series.kinds.set(list(kinds))
    return series, created


def bulletin_period_validate(*, year: int, month: int, language: str) -> None:
    """A month of the series' calendar, in a plausible year of it."""
    calendars.check_year(year, calendar=calendars.calendar_of(language), where="year")
    calendars.month_bounds(year, month, language)


@transaction.atomic
def bulletin_draft(
    *,
    series: Series,
    year: int | None = None,
    month: int | None = None,
    editorial_title: str = "",
    editorial_body: str = "",
) -> Bulletin:
    """A draft issue proposing every publication the series has not carried yet.

    The period defaults to the current month of the series' calendar.
    """
    if (year is None) != (month is None):
        raise ValidationError("give both the year and the month, or neither", where="month")
    if year is None or month is None:
        year, month = calendars.month_of(timezone.localdate(), series.language)
    bulletin_period_validate(year=year, month=month, language=series.language)
    bulletin = Bulletin.objects.create(
        series=series,
        period_year=year,
        period_month=month,
        editorial_title=editorial_title.strip(),
        editorial_body=editorial_body.strip(),
    )
    BulletinItem.objects.bulk_create(
        BulletinItem(bulletin=bulletin, publication=publication, order=index * ITEM_ORDER_STEP)
        for index, publication in enumerate(selectors.bulletin_proposal(series=series), 1)
    )
    return bulletin


def bulletin_publish(*, bulletin: Bulletin, published_at: dt.datetime | None = None) -> Bulletin:
    """Give the draft the series' next number and freeze its document.

    The series row is locked first (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transactions lock the whole database at BEGIN), so two editors publishing
    at once get consecutive numbers; the unique constraint on (series, number) is the
    last guard. Numbers come from `Series.last_number`, so a number is never given twice.
    """
    with transaction.atomic():
        series = Series.objects.select_for_update().get(pk=bulletin.series_id)
        current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if current.status != BulletinStatus.DRAFT:
            raise StateError(
                f"issue {current.pk} of “{series.slug}” is already published as number "
                f"{current.number}",
                hint="publish a corrected edition instead",
            )
        if not current.items.exists() and not current.editorial_body.strip():
            raise ValidationError(
                f"draft {current.pk} has no items and no editorial",
                hint="add items in the admin before publishing",
            )
        highest = Bulletin.objects.filter(series=series).aggregate(n=Max("number"))["n"] or 0
        number = max(series.first_number, (series.last_number or 0) + 1, highest + 1)
        series.last_number = number
        series.save(update_fields=["last_number", "updated_at"])
        current.series = series
        current.number = number
        current.status = BulletinStatus.PUBLISHED
        current.published_at = published_at or timezone.now()
        current.document = build_document(bulletin=current)
        current.save()
    bulletin.refresh_from_db()
    return bulletin


@transaction.atomic
def bulletin_correct(*, bulletin: Bulletin, note: str = "") -> Bulletin:
    """A corrected edition: the document frozen again from the items as they are now.

    The number stays; the edition count goes up and the issue says it was corrected.
    """
    current = Bulletin.objects.select_for_update().select_related("series").get(pk=bulletin.pk)
    if current.status != BulletinStatus.PUBLISHED:
        raise StateError(
            f"draft {current.pk} is not published yet", hint="publish it instead of correcting"
        )
    current.edition += 1
    current.corrected_at = timezone.now()
    current.correction_note = note.strip()
    current.document = build_document(bulletin=current)
    current.save()
    bulletin.refresh_from_db()
    return bulletin
