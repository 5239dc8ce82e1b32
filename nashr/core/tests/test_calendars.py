"""Jalali dates: jdatetime (through nashr.core.calendars) agrees with ICU, and the edges hold."""

from __future__ import annotations

import datetime as dt

import icu
import pytest

from nashr.core import calendars
from nashr.core.exceptions import ValidationError

# ICU counts Julian days; Python counts proleptic Gregorian ordinals from 0001-01-01.
JULIAN_DAY_OF_ORDINAL_0 = 1721425
FIELDS = icu.UCalendarDateFields


def test_every_day_from_1300_to_1500_matches_icu() -> None:
    """Both directions agree with ICU's Persian calendar for every day of 1300 to 1500."""
    persian = icu.Calendar.createInstance(
        icu.TimeZone.getGMT(), icu.Locale("en_US@calendar=persian")
    )
    assert persian.getType() == "persian"
    persian.clear()
    persian.set(1300, 0, 1)  # months count from 0 in ICU
    previous: dt.date | None = None
    days = 0
    mismatches: list[tuple[str, object, object]] = []
    while persian.get(FIELDS.EXTENDED_YEAR) <= 1500:
        year = persian.get(FIELDS.EXTENDED_YEAR)
        month = persian.get(FIELDS.MONTH) + 1
        day = persian.get(FIELDS.DATE)
        gregorian = dt.date.fromordinal(persian.get(FIELDS.JULIAN_DAY) - JULIAN_DAY_OF_ORDINAL_0)
        jalali = calendars.to_jalali(gregorian)
        if (jalali.year, jalali.month, jalali.day) != (year, month, day):
            mismatches.append(("to jalali", gregorian, (year, month, day)))
        back = calendars.parse_date(f"{year}-{month}-{day}", calendar="jalali")
        if back != gregorian:
            mismatches.append(("to gregorian", (year, month, day), gregorian))
        if previous is not None:
            assert gregorian - previous == dt.timedelta(days=1)
        previous = gregorian
        days += 1
        persian.add(FIELDS.DATE, 1)
    assert mismatches[:5] == []
    assert calendars.parse_date("1300-01-01", calendar="jalali") == dt.date(1921, 3, 21)
    assert previous == dt.date(2122, 3, 20)  # 29 Esfand 1500, the last day of that year
    assert days == (dt.date(2122, 3, 21) - dt.date(1921, 3, 21)).days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1403-12-30", dt.date(2025, 3, 20)),  # 1403 is a leap year: Esfand has 30 days
        ("۱۴۰۳/۱۲/۳۰", dt.date(2025, 3, 20)),  # Persian digits and slashes
        ("١٤٠٣.١٢.٣٠", dt.date(2025, 3, 20)),  # Arabic-Indic digits and dots
        (" 1402-8-9 ", dt.date(2023, 10, 31)),  # no leading zeros, spaces around
        ("1399-12-30", dt.date(2021, 3, 20)),  # 1399 is a leap year too
    ],
)
def test_parse_jalali(text: str, expected: dt.date) -> None:
    """Jalali dates in any digits and separators, leap-year Esfand 30 included."""
    assert calendars.parse_date(text, calendar="jalali") == expected


@pytest.mark.parametrize(
    ("text", "calendar", "message"),
    [
        ("1402-12-30", "jalali", "not a day of the jalali calendar"),  # 1402 is common
        ("1403-07-31", "jalali", "not a day of the jalali calendar"),  # Mehr has 30 days
        ("1403-13-01", "jalali", "not a day of the jalali calendar"),
        ("2023-02-29", "gregorian", "not a day of the gregorian calendar"),
        ("۱۴۰۲ آبان ۹", "jalali", "is not a date"),
        ("1402-08-09", "lunar", "unknown calendar"),
    ],
)
def test_parse_refuses_impossible_dates(text: str, calendar: str, message: str) -> None:
    """Impossible days, shapes and calendars are errors that say what is wrong."""
    with pytest.raises(ValidationError, match=message):
        calendars.parse_date(text, calendar=calendar)


def test_format_date_both_languages() -> None:
    """Persian: Jalali day, month name and year in Persian digits; English: Gregorian."""
    assert calendars.format_date(dt.date(2025, 3, 20), "fa") == "۳۰ اسفند ۱۴۰۳"
    assert calendars.format_date(dt.date(2023, 10, 31), "fa") == "۹ آبان ۱۴۰۲"
    assert calendars.format_date(dt.date(2023, 10, 31), "en") == "October 31, 2023"
    assert calendars.format_date(None, "fa") == ""
    assert calendars.format_ymd(dt.date(2025, 3, 20), calendar="jalali") == "1403-12-30"


@pytest.mark.parametrize(
    ("year", "month", "language", "first", "last"),
    [
        (1403, 12, "fa", dt.date(2025, 2, 19), dt.date(2025, 3, 20)),  # leap Esfand: 30 days
        (1402, 12, "fa", dt.date(2024, 2, 20), dt.date(2024, 3, 19)),  # common Esfand: 29
        (1403, 1, "fa", dt.date(2024, 3, 20), dt.date(2024, 4, 19)),
        (1403, 7, "fa", dt.date(2024, 9, 22), dt.date(2024, 10, 21)),  # Mehr: 30 days
        (2024, 2, "en", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (2023, 12, "en", dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
    ],
)
def test_month_bounds(year: int, month: int, language: str, first: dt.date, last: dt.date) -> None:
    """A month of either calendar spans the right Gregorian days, across year ends."""
    assert calendars.month_bounds(year, month, language) == (first, last)


def test_month_bounds_refuses_month_13() -> None:
    """There is no thirteenth month."""
    with pytest.raises(ValidationError, match="month 13 does not exist"):
        calendars.month_bounds(1403, 13, "fa")


def test_a_list_is_joined_as_each_language_joins_one() -> None:
    """Persian lists take «،» and «و», English ones commas and "and"; none is empty text."""
    from nashr.core.calendars import format_list

    assert format_list(["الف", "ب", "ج"], "fa").replace("\u200f", "") == "الف، ب، و ج"
    assert format_list(["a", "b", "c"], "en") == "a, b, and c"
    assert format_list([], "fa") == ""
