"""Form fields shared by the apps: dates typed in the calendar of the admin's language,
times and numbers in any digits and shown in the digits of the admin's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from nashr.core import calendars
from nashr.core.bidi import direction, name_language, named
from nashr.core.exceptions import ValidationError
from nashr.core.languages import codes, current_language

CALENDAR_LABELS = {
    "jalali": _("Jalali"),
    "gregorian": _("Gregorian"),
    "islamic-civil": _("Islamic (civil)"),
}
# The day the date fields' examples show, in their calendar and digits.
EXAMPLE_DAY = dt.date(2023, 10, 31)
# The time of day the time fields' examples show, in their digits.
EXAMPLE_TIME = "09:30"


def ymd_text(date: dt.date, *, calendar: str, language: str) -> str:
    """The date as year-month-day in `calendar`, in the language's digits: 2023-10-31, and
    ۱۴۰۲/۰۸/۰۹ where the digits are not Latin (slashes keep the order in right-to-left
    text)."""
    text = calendars.format_ymd(date, calendar=calendar)
    localized = calendars.localize_digits(text, language)
    return localized if localized == text else localized.replace("-", "/")


def language_of_calendar(calendar: str) -> str:
    """The language a date field of `calendar` writes its digits in: the admin's when that
    is the admin's calendar, else the first of the site's languages dated in it (a
    Gregorian field on the Persian admin shows Latin digits)."""
    current = current_language()
    if calendars.calendar_of(current) == calendar:
        return current
    for code in codes():
        if calendars.calendar_of(code) == calendar:
            return code
    return current


def example(calendar: str, language: str | None = None) -> str:
    return ymd_text(
        EXAMPLE_DAY, calendar=calendar, language=language or language_of_calendar(calendar)
    )


class CalendarDateInput(forms.TextInput):
    """A date shown as year/month/day in its calendar, in the digits of the language it is
    shown in (the admin's): Persian digits on the Persian admin."""

    def __init__(
        self, *, calendar: str, language: str | None = None, attrs: dict[str, Any] | None = None
    ) -> None:
        self.calendar = calendar
        self.language = language or language_of_calendar(calendar)
        base = {"dir": "ltr", "size": "12", "placeholder": example(calendar, self.language)}
        if calendars.localize_digits("0", self.language) != "0":
            base["inputmode"] = "numeric"
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return ymd_text(value, calendar=self.calendar, language=self.language)
        return super().format_value(value)


class LocalDigitsInput(forms.TextInput):
    """A whole number shown in the admin language's digits; any digits are read back
    (Django's IntegerField takes Persian digits: Python's int() reads every decimal digit)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "numeric", "size": "6", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        return None if text is None else calendars.localize_digits(text, current_language())


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
        "other_calendar": _(
            "“%(value)s” looks like a %(other)s date: type %(same_day)s, the same day in the "
            "%(calendar)s calendar."
        ),
        "implausible_year": _(
            "%(year)s is not a plausible year of the %(calendar)s calendar; type a year "
            "between %(low)s and %(high)s."
        ),
    }

    def __init__(self, *, calendar: str = "gregorian", **kwargs: Any) -> None:
        if calendar not in calendars.PLAUSIBLE_YEARS:
            raise ValueError(f"unknown calendar {calendar!r}")
        self.calendar = calendar
        kwargs.setdefault("widget", CalendarDateInput(calendar=calendar))
        if calendar == "jalali":
            kwargs.setdefault(
                "help_text",
                _("Jalali (Solar Hijri) date: year/month/day, for example %(example)s.")
                % {"example": example(calendar)},
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
            raise self._error(text) from exc

    def _error(self, text: str) -> forms.ValidationError:
        """The field's message for text that `calendars.parse_date` refused."""
        params = {
            # Isolated, so a Latin date keeps its order inside a right-to-left message.
            "value": f"\u2068{text}\u2069",
            "calendar": CALENDAR_LABELS[self.calendar],
            "other": CALENDAR_LABELS[calendars.other_calendar(self.calendar)],
            "example": example(self.calendar),
        }
        parts = calendars.split_ymd(text)
        if parts is None:
            return forms.ValidationError(self.error_messages["invalid"], "invalid", params)
        year = parts[0]
        same_day = calendars.same_day_in_other_calendar(text, self.calendar)
        if same_day is not None and not calendars.is_plausible_year(year, self.calendar):
            params["same_day"] = calendars.localize_digits(
                same_day, language_of_calendar(self.calendar)
            )
            return forms.ValidationError(
                self.error_messages["other_calendar"], "other_calendar", params
            )
        if not calendars.is_plausible_year(year, self.calendar):
            low, high = calendars.PLAUSIBLE_YEARS[self.calendar]
            for key, number in {"year": year, "low": low, "high": high}.items():
                params[key] = calendars.localize_digits(number, language_of_calendar(self.calendar))
            return forms.ValidationError(
                self.error_messages["implausible_year"], "implausible_year", params
            )
        return forms.ValidationError(self.error_messages["impossible"], "impossible", params)


def admin_date_field(db_field: Any, *, required: bool) -> CalendarDateField:
    """The admin's field for a model's date, typed in the calendar of the admin's language.

    Django's own date field would take a Jalali 1402-08-09 as the Gregorian year 1402; this
    one reads either calendar's digits and refuses a year of the other calendar, in the
    Persian and the English admin alike.
    """
    return CalendarDateField(
        calendar=calendars.calendar_of(current_language()),
        label=capfirst(db_field.verbose_name),
        required=required,
    )


class LocalTimeInput(forms.TimeInput):
    """A time of day (24-hour, hours:minutes) shown in the digits of `language`: ۰۹:۳۰ on
    the Persian admin. Text typed and shown again after a refusal stays as typed."""

    def __init__(self, *, language: str, attrs: dict[str, Any] | None = None) -> None:
        self.language = language
        # No inputmode="numeric": a phone's number pad may have no colon.
        base = {
            "dir": "ltr",
            "size": "6",
            "placeholder": calendars.localize_digits(EXAMPLE_TIME, language),
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%H:%M")

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        if isinstance(value, dt.time) and text is not None:
            return calendars.localize_digits(text, self.language)
        return text


class LocalTimeField(forms.TimeField):
    """A time of day typed in any digits, with or without a leading zero: 09:30, 9:30,
    ۰۹:۳۰, ۹:۳۰, ٠٩:٣٠ (Django's own field reads only Latin digits)."""

    default_error_messages = {
        "invalid": _(
            "“%(value)s” is not a time of day: type hours and minutes (24-hour), for "
            "example %(example)s."
        ),
    }

    def __init__(self, *, language: str, **kwargs: Any) -> None:
        self.language = language
        kwargs.setdefault("widget", LocalTimeInput(language=language))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.time | None:
        if not isinstance(value, str):
            return super().to_python(value)
        try:
            return super().to_python(calendars.to_latin_digits(value))
        except forms.ValidationError as exc:
            params = {
                # Isolated, so a Latin time keeps its order inside a right-to-left message.
                "value": f"\u2068{value.strip()}\u2069",
                "example": calendars.localize_digits(EXAMPLE_TIME, self.language),
            }
            raise forms.ValidationError(self.error_messages["invalid"], "invalid", params) from exc


class CalendarDateTimeInput(forms.MultiWidget):
    """A date in the admin's calendar and a time (24-hour), side by side, both in the
    digits of the language dated in that calendar (Persian digits on the Persian admin)."""

    def __init__(self, *, calendar: str) -> None:
        language = language_of_calendar(calendar)
        super().__init__(
            widgets=[
                CalendarDateInput(calendar=calendar, language=language),
                LocalTimeInput(language=language),
            ]
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [local.date(), local.time().replace(second=0, microsecond=0)]
        return [None, None]


class CalendarDateTimeField(forms.MultiValueField):
    """A moment typed as a date of the admin's calendar and a time of the site's time zone.

    The value is an aware datetime (Django stores it in UTC); it is shown again in the
    site's time zone (``TIME_ZONE``), the time the organization's editors live by.
    """

    def __init__(self, *, calendar: str = "gregorian", **kwargs: Any) -> None:
        language = language_of_calendar(calendar)
        fields = (CalendarDateField(calendar=calendar), LocalTimeField(language=language))
        kwargs.setdefault("widget", CalendarDateTimeInput(calendar=calendar))
        kwargs.setdefault("require_all_fields", True)
        super().__init__(fields=fields, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.datetime | None:
        if not data_list or data_list[0] is None or data_list[1] is None:
            return None
        return timezone.make_aware(dt.datetime.combine(data_list[0], data_list[1]))


def admin_datetime_field(
    *, label: Any, required: bool, help_text: Any = ""
) -> CalendarDateTimeField:
    """The admin's field for a moment, its date in the calendar of the admin's language."""
    return CalendarDateTimeField(
        calendar=calendars.calendar_of(current_language()),
        label=label,
        required=required,
        help_text=help_text,
    )


class NamedOptionsMixin:
    """A choice widget of model objects naming each object in its own language: an
    <option> says its language and direction; a checkbox's or radio's label holds its name
    in an element saying them (core.bidi.named)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)  # type: ignore[misc]  # the choice widget's own
        instance = getattr(option["value"], "instance", None)
        if instance is None or not name_language(instance):
            return option
        if getattr(self, "input_type", "") == "select":
            language = name_language(instance)
            option["attrs"] = {**option["attrs"], "lang": language, "dir": direction(language)}
        else:
            option["label"] = named(instance, str(option["label"]))
        return option


class NamedCheckboxSelectMultiple(NamedOptionsMixin, forms.CheckboxSelectMultiple):
    pass


class NamedSelect(NamedOptionsMixin, forms.Select):
    pass


class NamedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete box, its chosen object's <option> saying the language and
    direction of its name (the rest is found by typing, in the language typed)."""

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        groups = super().optgroups(name, value, attr)
        chosen = [option["value"] for _group, options, _index in groups for option in options]
        pks = [pk for pk in chosen if pk not in ("", None)]
        if not pks:
            return groups
        field = self.field.remote_field.field_name
        objects = self.choices.queryset.using(self.db).filter(**{f"{field}__in": pks})
        languages = {str(getattr(obj, field)): name_language(obj) for obj in objects}
        for _group, options, _index in groups:
            for option in options:
                if language := languages.get(str(option["value"])):
                    option["attrs"] = {
                        **option["attrs"],
                        "lang": language,
                        "dir": direction(language),
                    }
        return groups
