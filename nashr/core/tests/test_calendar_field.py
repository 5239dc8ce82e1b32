"""The admin's date field reads and writes dates in the calendar of the admin's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from nashr.core.calendars import calendar_of as calendar_for_language
from nashr.core.forms import CalendarDateField, CalendarDateInput


def test_jalali_field_reads_persian_digits() -> None:
    """A Jalali field takes Persian digits and returns the Gregorian date."""
    assert CalendarDateField(calendar="jalali").clean("۱۴۰۲/۰۸/۰۹") == dt.date(2023, 10, 31)


def test_jalali_widget_shows_persian_digits() -> None:
    """A stored date is shown as a Jalali year/month/day in Persian digits."""
    widget = CalendarDateInput(calendar="jalali")
    assert widget.format_value(dt.date(2025, 3, 20)) == "۱۴۰۳/۱۲/۳۰"
    assert CalendarDateInput(calendar="gregorian").format_value(dt.date(2025, 3, 20)) == (
        "2025-03-20"
    )


@pytest.mark.parametrize(
    ("text", "code"), [("1402/12/30", "impossible"), ("next Tuesday", "invalid")]
)
def test_jalali_field_errors(text: str, code: str) -> None:
    """An impossible day and a text that is no date give different, actionable errors."""
    with pytest.raises(forms.ValidationError) as error:
        CalendarDateField(calendar="jalali").clean(text)
    assert error.value.code == code


def test_calendar_for_language() -> None:
    """Persian (with or without region) is Jalali; English is Gregorian; no language is
    the site's default language (Persian)."""
    assert calendar_for_language("fa") == calendar_for_language("fa-ir") == "jalali"
    assert calendar_for_language("en") == "gregorian"
    assert calendar_for_language(None) == "jalali"
