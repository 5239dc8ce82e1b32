"""Dates written in each language's own calendar, digits and month names.

A date is stored once, as a real ``datetime.date``; Persian shows it in the Solar Hijri
(Jalali) calendar with Persian digits, English in the Gregorian calendar written out.
The conversion itself is jdatetime's; it is checked against ICU in the tests.
"""

from __future__ import annotations

import datetime as dt
import re

import jdatetime

from nashr.core.exceptions import ValidationError

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)

JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
GREGORIAN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def to_latin_digits(text: str) -> str:
    """Persian and Arabic-Indic digits replaced by ASCII ones."""
    return text.translate(_TO_LATIN)


def to_persian_digits(text: str | int) -> str:
    """ASCII digits replaced by Persian ones."""
    return str(text).translate(_TO_PERSIAN)


def localize_digits(text: str | int, language: str) -> str:
    """Digits as the language writes them."""
    return to_persian_digits(text) if language == "fa" else str(text)


def to_jalali(date: dt.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=date)


def format_date(date: dt.date | dt.datetime | None, language: str) -> str:
    """The date written out in the language's calendar: "۹ آبان ۱۴۰۲", "October 31, 2023"."""
    if date is None:
        return ""
    if isinstance(date, dt.datetime):
        date = date.date()
    if language == "fa":
        j = to_jalali(date)
        return to_persian_digits(f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year}")
    return f"{GREGORIAN_MONTHS[date.month - 1]} {date.day}, {date.year}"


def format_month(year: int, month: int, language: str) -> str:
    """A month of the language's own calendar: "آبان ۱۴۰۲" (Jalali), "November 2023"."""
    if language == "fa":
        return f"{JALALI_MONTHS[month - 1]} {to_persian_digits(year)}"
    return f"{GREGORIAN_MONTHS[month - 1]} {year}"


def month_of(date: dt.date, language: str) -> tuple[int, int]:
    """(year, month) of the date in the language's calendar."""
    if language == "fa":
        j = to_jalali(date)
        return j.year, j.month
    return date.year, date.month


def month_bounds(year: int, month: int, language: str) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a month of the language's calendar."""
    if not 1 <= month <= 12:
        raise ValidationError(f"month {month} does not exist; a month is 1 to 12")
    if language == "fa":
        first = jdatetime.date(year, month, 1).togregorian()
        nxt = jdatetime.date(year + (month == 12), month % 12 + 1, 1).togregorian()
    else:
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


_DATE_RE = re.compile(r"^\s*(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$")


def looks_like_date(text: str) -> bool:
    """Whether the text has the shape Y-M-D (any digits, - / or . between)."""
    return bool(_DATE_RE.match(to_latin_digits(str(text))))


def parse_date(text: str, *, calendar: str = "gregorian") -> dt.date:
    """A Y-M-D date in either calendar, any digits, returned as a Gregorian date.

    Raises ValidationError naming the date and why it is impossible.
    """
    raw = str(text)
    match = _DATE_RE.match(to_latin_digits(raw))
    if not match:
        raise ValidationError(
            f"“{raw}” is not a date",
            hint="write it as YYYY-MM-DD, for example 1402-08-09 or 2023-10-31",
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        if calendar == "jalali":
            return jdatetime.date(year, month, day).togregorian()
        if calendar == "gregorian":
            return dt.date(year, month, day)
    except ValueError as exc:
        raise ValidationError(
            f"“{raw}” is not a day of the {calendar} calendar ({exc})",
            hint="check the month and the day",
        ) from exc
    raise ValidationError(f"unknown calendar “{calendar}”", hint="use “gregorian” or “jalali”")


def format_ymd(date: dt.date, *, calendar: str = "gregorian") -> str:
    """The date as YYYY-MM-DD in either calendar, ASCII digits: what `parse_date` reads."""
    if calendar == "jalali":
        j = to_jalali(date)
        return f"{j.year:04d}-{j.month:02d}-{j.day:02d}"
    return date.isoformat()
