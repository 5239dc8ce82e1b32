"""Dates written in each language's own calendar, digits and month names.

A date is stored once, as a real ``datetime.date``; each language shows it in its own
calendar and digits (``nashr.core.languages``): Persian in the Solar Hijri (Jalali)
calendar with Persian digits, English in the Gregorian calendar written out, Arabic
perhaps in the Islamic civil calendar. Dates are written as CLDR writes a long date in the
language (ICU's pattern and month names, filled here). The Jalali conversion is
jdatetime's, the Islamic one ICU's; both are checked against ICU in the tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from typing import Any

import icu
import jdatetime
from django.utils import timezone

from nashr.core.exceptions import ValidationError
from nashr.core.languages import DIGITS, ICU_CALENDAR, site_language

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)

# The years a date of each calendar can plausibly have in what Nashr publishes and
# archives (1821 to 2321 in each). The Gregorian range overlaps neither of the others, so
# a year typed in the wrong calendar (2026 in a Jalali field, 1405 in a Gregorian one) is
# caught.
PLAUSIBLE_YEARS = {"jalali": (1200, 1700), "gregorian": (1800, 2300), "islamic-civil": (1236, 1753)}
CALENDAR_NAMES = {
    "jalali": "Jalali (Solar Hijri)",
    "gregorian": "Gregorian",
    "islamic-civil": "Islamic (civil)",
}
# Where ICU has no month names of a calendar in a language (Sorani's Jalali months, say),
# the names of the language the calendar is at home in.
_HOME_OF_CALENDAR = {"jalali": "fa", "islamic-civil": "ar", "gregorian": "en"}


def calendar_of(language: str | None) -> str:
    """The calendar the language's dates are written in (configured, nashr.core.languages)."""
    return site_language(language).calendar


def other_calendar(calendar: str) -> str:
    """The calendar a year typed into a field of `calendar` most likely belongs to."""
    return "jalali" if calendar == "gregorian" else "gregorian"


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


@functools.cache
def _digit_table(digits: str) -> dict[int, int]:
    return str.maketrans("0123456789", DIGITS[digits])


def localize_digits(text: str | int, language: str) -> str:
    """Digits as the language writes them (its configured digits)."""
    return str(text).translate(_digit_table(site_language(language).digits))


@functools.cache
def _grouping_separator(locale: str) -> str:
    symbols = icu.DecimalFormatSymbols(icu.Locale(locale))
    return str(symbols.getSymbol(icu.DecimalFormatSymbols.kGroupingSeparatorSymbol))


def format_number(number: int, language: str) -> str:
    """A count with its thousands grouped, in the language's digits: "۱٬۲۰۳", "1,203"."""
    separator = _grouping_separator(site_language(language).icu_locale)
    return localize_digits(f"{number:,}".replace(",", separator), language)


@functools.cache
def _list_formatter(locale: str) -> Any:
    return icu.ListFormatter.createInstance(icu.Locale(locale))


def format_list(items: list[str], language: str) -> str:
    """Items joined as the language writes a list (CLDR's): "الف، ب و ج", "a, b, and c"."""
    if not items:
        return ""
    return str(_list_formatter(site_language(language).icu_locale).format([str(i) for i in items]))


def to_jalali(date: dt.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=date)


_icu_calendars = threading.local()


def _islamic_calendar() -> Any:
    """An ICU calendar of the Islamic civil (tabular) calendar, one per thread (ICU's are
    not safe to share), set to UTC so that a day is a day."""
    calendar = getattr(_icu_calendars, "islamic", None)
    if calendar is None:
        calendar = icu.Calendar.createInstance(
            icu.TimeZone.getGMT(), icu.Locale("@calendar=islamic-civil")
        )
        _icu_calendars.islamic = calendar
    return calendar


_EPOCH = dt.date(1970, 1, 1)
_DAY_SECONDS = 86_400.0  # PyICU writes ICU's moments in seconds


def to_calendar(date: dt.date, calendar: str) -> tuple[int, int, int]:
    """(year, month, day) of a Gregorian date in `calendar`."""
    if calendar == "jalali":
        j = to_jalali(date)
        return j.year, j.month, j.day
    if calendar == "islamic-civil":
        icu_calendar = _islamic_calendar()
        icu_calendar.setTime((date - _EPOCH).days * _DAY_SECONDS)
        return (
            icu_calendar.get(icu.UCalendarDateFields.EXTENDED_YEAR),
            icu_calendar.get(icu.UCalendarDateFields.MONTH) + 1,
            icu_calendar.get(icu.UCalendarDateFields.DATE),
        )
    return date.year, date.month, date.day


def from_calendar(year: int, month: int, day: int, calendar: str) -> dt.date:
    """The Gregorian date of a day of `calendar`; ValueError for a day it does not have."""
    if calendar == "jalali":
        gregorian: dt.date = jdatetime.date(year, month, day).togregorian()
        return gregorian
    if calendar == "islamic-civil":
        if not 1 <= month <= 12 or not 1 <= day <= 30:
            raise ValueError("day is out of range for month")
        icu_calendar = _islamic_calendar()
        icu_calendar.clear()
        icu_calendar.set(icu.UCalendarDateFields.EXTENDED_YEAR, year)
        icu_calendar.set(icu.UCalendarDateFields.MONTH, month - 1)
        icu_calendar.set(icu.UCalendarDateFields.DATE, day)
        date = _EPOCH + dt.timedelta(days=round(icu_calendar.getTime() / _DAY_SECONDS))
        if to_calendar(date, calendar) != (year, month, day):
            raise ValueError(f"month {month} of {year} has no day {day}")
        return date
    return dt.date(year, month, day)


@functools.cache
def _symbols(code: str, calendar: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Month names, short month names and the era of `calendar` in the language."""
    language = site_language(code)
    symbols = icu.DateFormatSymbols(icu.Locale(code), ICU_CALENDAR[calendar])
    months = tuple(symbols.getMonths())[:12]
    short = tuple(symbols.getShortMonths())[:12]
    era = tuple(symbols.getEras())[-1]
    if language.months:
        months = short = language.months
    elif language.rtl and all(name.isascii() for name in months):
        # ICU fell back to its root names ("Farvardin"): the calendar's own language's.
        home = icu.DateFormatSymbols(
            icu.Locale(_HOME_OF_CALENDAR[calendar]), ICU_CALENDAR[calendar]
        )
        months = tuple(home.getMonths())[:12]
        short = tuple(home.getShortMonths())[:12]
    if language.rtl and era.isascii():
        era = ""
    return months, short, era


@functools.cache
def _patterns(code: str, calendar: str) -> tuple[str, str]:
    """ICU's (CLDR's) long date pattern of the language, and the month-and-year pattern
    made from it."""
    locale = icu.Locale(f"{code}@calendar={ICU_CALENDAR[calendar]}")
    long = icu.DateFormat.createDateInstance(icu.DateFormat.LONG, locale).toPattern()
    # A month of the calendar is written as its days are, without the day ("MMMM d, y"
    # gives "MMMM y", "dی MMMMی y" gives "MMMMی y").
    month = re.sub(r"\s*d+[^\sA-Za-z']*\s*", " ", str(long)).strip()
    return str(long), month


_FIELD = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


def _fill(pattern: str, year: int, month: int, day: int, language: str, calendar: str) -> str:
    """A CLDR date pattern written out: days, months, years and eras; literals as they are."""
    months, short, era = _symbols(language, calendar)
    out: list[str] = []
    for match in _FIELD.finditer(pattern):
        piece = match.group()
        letter = match.group(1)
        if letter is None:
            quoted = piece.startswith("'")
            out.append(
                ("'" if piece == "''" else piece[1:-1].replace("''", "'")) if quoted else piece
            )
        elif letter == "d":
            out.append(localize_digits(f"{day:0{len(piece)}d}", language))
        elif letter in "ML":
            if len(piece) >= 4:
                out.append(months[month - 1])
            elif len(piece) == 3:
                out.append(short[month - 1])
            else:
                out.append(localize_digits(f"{month:0{len(piece)}d}", language))
        elif letter in "yu":
            text = f"{year % 100:02d}" if len(piece) == 2 else f"{year:0{len(piece)}d}"
            out.append(localize_digits(text, language))
        elif letter == "G":
            out.append(era)
    text = "".join(out)
    return text.replace("  ", " ").strip() if not era and "G" in pattern else text


def format_date(date: dt.date | dt.datetime | None, language: str) -> str:
    """The date written out in the language's calendar and digits, as CLDR writes a long
    date in it: "۹ آبان ۱۴۰۲", "October 31, 2023", "31. Oktober 2023"."""
    if date is None:
        return ""
    if isinstance(date, dt.datetime):
        date = date.date()
    calendar = calendar_of(language)
    year, month, day = to_calendar(date, calendar)
    code = site_language(language).code
    return _fill(_patterns(code, calendar)[0], year, month, day, code, calendar)


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
    calendar = calendar_of(language)
    code = site_language(language).code
    return _fill(_patterns(code, calendar)[1], year, month, 1, code, calendar)


def month_names(language: str) -> tuple[str, ...]:
    """The twelve months of the language's calendar, named in the language."""
    code = site_language(language).code
    return _symbols(code, calendar_of(code))[0]


def month_of(date: dt.date, language: str) -> tuple[int, int]:
    """(year, month) of the date in the language's calendar."""
    year, month, _day = to_calendar(date, calendar_of(language))
    return year, month


def month_bounds(year: int, month: int, language: str) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a month of the language's calendar."""
    if not 1 <= month <= 12:
        raise ValidationError(f"month {month} does not exist; a month is 1 to 12")
    calendar = calendar_of(language)
    first = from_calendar(year, month, 1, calendar)
    nxt = from_calendar(year + (month == 12), month % 12 + 1, 1, calendar)
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
    return from_calendar(year, month, day, calendar)


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
        raise ValidationError(
            f"unknown calendar “{calendar}”", hint=f"use one of: {', '.join(PLAUSIBLE_YEARS)}"
        )
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
    """The date as YYYY-MM-DD in any calendar, ASCII digits: what `parse_date` reads."""
    year, month, day = to_calendar(date, calendar)
    return f"{year:04d}-{month:02d}-{day:02d}"
