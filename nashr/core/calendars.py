"""Dates written in each language's own calendar, digits and month names.

A date is stored once, as a real ``datetime.date``; Persian shows it in the Solar Hijri
(Jalali) calendar with Persian digits, English in the Gregorian calendar written out.
The conversion itself is jdatetime's; it is checked against ICU in the tests.
"""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
from django.utils import timezone

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


# The years a date of each calendar can plausibly have in what Nashr publishes and
# archives (1821 to 2321 in either). The two ranges do not overlap, so a year typed in
# the wrong calendar (2026 in a Jalali field, 1405 in a Gregorian one) is caught.
PLAUSIBLE_YEARS = {"jalali": (1200, 1700), "gregorian": (1800, 2300)}
CALENDAR_NAMES = {"jalali": "Jalali (Solar Hijri)", "gregorian": "Gregorian"}


def calendar_of(language: str | None) -> str:
    """Persian is dated in the Jalali calendar; every other language in the Gregorian."""
    return "jalali" if (language or "").split("-")[0] == "fa" else "gregorian"


def other_calendar(calendar: str) -> str:
    return "gregorian" if calendar == "jalali" else "jalali"


def is_plausible_year(year: int, calendar: str) -> bool:
    low, high = PLAUSIBLE_YEARS[calendar]
    return low <= year <= high


def check_year(year: int, *, calendar: str, where: str = "year") -> None:
    """Refuse a year that no date of `calendar` in an archive can have.

    The usual cause is the other calendar's year (a Gregorian 2026 typed for a Jalali
    series); the message says so.
    """
    if is_plausible_year(year, calendar):
        return
    low, high = PLAUSIBLE_YEARS[calendar]
    other = other_calendar(calendar)
    looks = (
        f", which looks like a {CALENDAR_NAMES[other]} year"
        if is_plausible_year(year, other)
        else ""
    )
    raise ValidationError(
        f"{year} is not a plausible year of the {CALENDAR_NAMES[calendar]} calendar{looks}",
        where=where,
        hint=f"give a {CALENDAR_NAMES[calendar]} year between {low} and {high}",
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


def format_number(number: int, language: str) -> str:
    """A count with its thousands grouped, in the language's digits: "۱٬۲۰۳", "1,203"."""
    text = f"{number:,}"
    return to_persian_digits(text.replace(",", "\u066c")) if language == "fa" else text


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


def format_datetime(moment: dt.datetime | None, language: str) -> str:
    """A moment in the site's time zone, in the language's calendar and digits, to the minute.

    "۹ آبان ۱۴۰۲ ۱۴:۰۵", "October 31, 2023 14:05"; "—" for no moment.
    """
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{format_date(local, language)} {localize_digits(local.strftime('%H:%M'), language)}"


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


def split_ymd(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of text shaped Y-M-D in any digits; None for other text."""
    match = _DATE_RE.match(to_latin_digits(str(text)))
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    return year, month, day


def _to_gregorian(year: int, month: int, day: int, calendar: str) -> dt.date:
    """Raises ValueError for a day the calendar does not have."""
    if calendar == "jalali":
        gregorian: dt.date = jdatetime.date(year, month, day).togregorian()
        return gregorian
    return dt.date(year, month, day)


def same_day_in_other_calendar(text: str, calendar: str) -> str | None:
    """For a Y-M-D typed in the wrong calendar: the day written in `calendar`.

    "2026-12-02" for a Jalali field gives "1405/09/11"; None if the text is not a day of
    the other calendar in a plausible year of it.
    """
    parts = split_ymd(text)
    other = other_calendar(calendar)
    if parts is None or not is_plausible_year(parts[0], other):
        return None
    try:
        date = _to_gregorian(*parts, calendar=other)
    except ValueError:
        return None
    text = format_ymd(date, calendar=calendar)
    return text.replace("-", "/") if calendar == "jalali" else text


def parse_date(text: str, *, calendar: str = "gregorian") -> dt.date:
    """A Y-M-D date in either calendar, any digits, returned as a Gregorian date.

    Raises ValidationError naming the date and why it is impossible, including a year
    that belongs to the other calendar (2026 typed as a Jalali year).
    """
    if calendar not in PLAUSIBLE_YEARS:
        raise ValidationError(f"unknown calendar “{calendar}”", hint="use “gregorian” or “jalali”")
    raw = str(text)
    parts = split_ymd(raw)
    if parts is None:
        raise ValidationError(
            f"“{raw}” is not a date",
            hint="write it as YYYY-MM-DD, for example 1402-08-09 or 2023-10-31",
        )
    if not is_plausible_year(parts[0], calendar):
        same_day = same_day_in_other_calendar(raw, calendar)
        if same_day is not None:
            raise ValidationError(
                f"“{raw}” looks like a {CALENDAR_NAMES[other_calendar(calendar)]} date, "
                f"not a {CALENDAR_NAMES[calendar]} one",
                hint=f"write that day as {same_day}",
            )
        check_year(parts[0], calendar=calendar, where="")
    try:
        return _to_gregorian(*parts, calendar=calendar)
    except ValueError as exc:
        raise ValidationError(
            f"“{raw}” is not a day of the {calendar} calendar ({exc})",
            hint="check the month and the day",
        ) from exc


def format_ymd(date: dt.date, *, calendar: str = "gregorian") -> str:
    """The date as YYYY-MM-DD in either calendar, ASCII digits: what `parse_date` reads."""
    if calendar == "jalali":
        j = to_jalali(date)
        return f"{j.year:04d}-{j.month:02d}-{j.day:02d}"
    return date.isoformat()
