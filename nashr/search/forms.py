"""The filters of the search page: language, kind and dates in the page's calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nashr.core import calendars
from nashr.core.exceptions import ValidationError as NashrValidationError
from nashr.core.languages import language_choices
from nashr.publications.models import Kind

# The day the date fields' example shows, in the page's calendar and digits.
EXAMPLE_DAY = dt.date(2023, 10, 31)


class KindChoiceField(forms.ModelChoiceField[Kind]):
    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        self.language = language
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Kind) -> str:
        return obj.name(self.language)


def _language_filter_choices() -> list[tuple[str, str]]:
    return [("", str(_("All languages"))), *language_choices()]


class SearchFiltersForm(forms.Form):
    """Filters beside the words; every field may be left empty."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=_language_filter_choices,
    )
    date_from = forms.CharField(label=_("From"), required=False, max_length=40)
    date_to = forms.CharField(label=_("To"), required=False, max_length=40)

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calendar = calendars.calendar_of(language)
        self.example = calendars.localize_digits(
            calendars.format_ymd(EXAMPLE_DAY, calendar=self.calendar), language
        )
        self.fields["kind"] = KindChoiceField(
            queryset=Kind.objects.all(),
            to_field_name="slug",
            required=False,
            empty_label=_("All kinds"),
            label=_("Kind"),
            language=language,
        )
        self.order_fields(["language", "kind", "date_from", "date_to"])
        for name in ("date_from", "date_to"):
            widget = self.fields[name].widget
            widget.attrs.update(
                {
                    "placeholder": self.example,
                    "aria-describedby": "search-date-help",
                    "inputmode": "numeric",
                    "size": 12,
                }
            )

    def _date(self, name: str) -> dt.date | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            return calendars.parse_date(text, calendar=self.calendar)
        except NashrValidationError as exc:
            if self.calendar == "jalali":
                message = _(
                    "“%(value)s” is not a date of the Persian (solar) calendar. Write "
                    "year-month-day, for example %(example)s."
                )
            else:
                message = _(
                    "“%(value)s” is not a date. Write year-month-day, for example %(example)s."
                )
            raise forms.ValidationError(
                message, code="date", params={"value": text, "example": self.example}
            ) from exc

    def clean_date_from(self) -> dt.date | None:
        return self._date("date_from")

    def clean_date_to(self) -> dt.date | None:
        return self._date("date_to")

    def full_clean(self) -> None:
        super().full_clean()
        # Errors are shown under their field (id <field id>_error); a screen reader reads
        # them with the field, before the date help it already describes.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = f"{self[name].auto_id}_error {attrs.get('aria-describedby', '')}"
                attrs["aria-describedby"] = described.strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error(
                "date_to", _("This date is before the “From” date; swap them or change one.")
            )
        return data
