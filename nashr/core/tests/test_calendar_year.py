"""A date typed in the wrong calendar is refused with the same day in the right one."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from nashr.core import calendars
from nashr.core.exceptions import ValidationError
from nashr.core.forms import CalendarDateField


def test_gregorian_date_in_a_jalali_field_names_the_jalali_day() -> None:
    """2026-12-02 in a Jalali field is refused (not stored as 2648) and ۱۴۰۵/۰۹/۱۱ is offered."""
    with translation.override("fa"), pytest.raises(forms.ValidationError) as error:
        CalendarDateField(calendar="jalali").clean("2026-12-02")
    assert error.value.code == "other_calendar"
    assert "۱۴۰۵/۰۹/۱۱" in " ".join(error.value.messages)
    assert CalendarDateField(calendar="jalali").clean("۱۴۰۵/۰۹/۱۱") == dt.date(2026, 12, 2)


def test_jalali_date_in_a_gregorian_field_names_the_gregorian_day() -> None:
    """1405-09-11 in a Gregorian field is refused and 2026-12-02 is offered."""
    with translation.override("en"), pytest.raises(forms.ValidationError) as error:
        CalendarDateField(calendar="gregorian").clean("1405-09-11")
    assert error.value.code == "other_calendar"
    assert "2026-12-02" in " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("text", "calendar"), [("0402/01/01", "jalali"), ("9999-01-01", "gregorian")]
)
def test_a_year_of_neither_calendar_is_refused(text: str, calendar: str) -> None:
    """A year that is plausible in no calendar gets the range to type in."""
    with pytest.raises(forms.ValidationError) as error:
        CalendarDateField(calendar=calendar).clean(text)
    assert error.value.code == "implausible_year"


def test_parse_date_refuses_the_other_calendar_for_commands_too() -> None:
    """The rule is the calendar module's, so imports and commands refuse 2026 as Jalali as well."""
    with pytest.raises(ValidationError) as error:
        calendars.parse_date("2026-12-02", calendar="jalali")
    assert "Gregorian" in error.value.message and error.value.hint == "write that day as 1405/09/11"


def test_check_year_names_the_calendar_it_looks_like() -> None:
    """A bulletin year 2026 for a Persian series is refused as a Gregorian-looking year."""
    with pytest.raises(ValidationError) as error:
        calendars.check_year(2026, calendar="jalali")
    assert "looks like a Gregorian year" in error.value.message
    calendars.check_year(1405, calendar="jalali")
    calendars.check_year(2026, calendar="gregorian")
