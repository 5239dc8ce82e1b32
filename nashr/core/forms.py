"""Form fields shared by the apps: dates typed in the calendar of the admin's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nashr.core import calendars
from nashr.core.exceptions import ValidationError

EXAMPLES = {"jalali": "۱۴۰۲/۰۸/۰۹", "gregorian": "2023-10-31"}


def calendar_for_language(language: str | None) -> str:
    """Persian is written with Jalali dates; every other language with Gregorian ones."""
    return "jalali" if (language or "").split("-")[0] == "fa" else "gregorian"


class CalendarDateInput(forms.TextInput):
    """A date shown as year/month/day in its calendar (Persian digits for Jalali)."""

    def __init__(self, *, calendar: str, attrs: dict[str, Any] | None = None) -> None:
        self.calendar = calendar
        base = {"dir": "ltr", "size": "12", "placeholder": EXAMPLES[calendar]}
        if calendar == "jalali":
            base["inputmode"] = "numeric"
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            text = calendars.format_ymd(value, calendar=self.calendar)
            if self.calendar == "jalali":
                return calendars.to_persian_digits(text.replace("-", "/"))
            return text
        return super().format_value(value)


class CalendarDateField(forms.DateField):
    """A date typed in the Jalali or the Gregorian calendar, in any digits.

    The value is always a real (Gregorian) ``datetime.date``.
    """

    default_error_messages = {
        "invalid": _("Enter a date as year/month/day, for example %(example)s."),
        "impossible": _(
            "“%(value)s” is not a day of the %(calendar)s calendar; check the month and the "
            "day (Esfand has a 30th day only in leap years)."
        ),
    }

    def __init__(self, *, calendar: str = "gregorian", **kwargs: Any) -> None:
        if calendar not in EXAMPLES:
            raise ValueError(f"unknown calendar {calendar!r}")
        self.calendar = calendar
        kwargs.setdefault("widget", CalendarDateInput(calendar=calendar))
        if calendar == "jalali":
            kwargs.setdefault(
                "help_text", _("Jalali (Solar Hijri) date: year/month/day, for example ۱۴۰۲/۰۸/۰۹.")
            )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            return calendars.parse_date(text, calendar=self.calendar)
        except ValidationError as exc:
            code = "impossible" if calendars.looks_like_date(text) else "invalid"
            calendar_name = _("Jalali") if self.calendar == "jalali" else _("Gregorian")
            raise forms.ValidationError(
                self.error_messages[code],
                code=code,
                params={
                    "value": text,
                    "calendar": calendar_name,
                    "example": EXAMPLES[self.calendar],
                },
            ) from exc
