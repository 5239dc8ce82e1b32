"""Template helpers for dates in each calendar and direction by content language."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from nashr.core import bidi, calendars

register = template.Library()


def _language(language: str | None) -> str:
    return (language or get_language() or "en").split("-")[0]


@register.filter
def localdate(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """A date written out in the calendar of `language` (default: the page's)."""
    return calendars.format_date(value, _language(language))


@register.filter
def digits(value: object, language: str | None = None) -> str:
    """Digits as `language` (default: the page's) writes them."""
    return calendars.localize_digits(str(value), _language(language))


@register.filter
def direction(language: str) -> str:
    return bidi.direction(language)


@register.simple_tag
def content_attrs(language: str) -> SafeString:
    """`lang` and `dir` attributes for an element holding content in `language`."""
    return bidi.content_attrs(language)


@register.simple_tag
def month_name(year: int, month: int, language: str | None = None) -> str:
    return calendars.format_month(year, month, _language(language))


@register.filter
def kind_name(kind: object, language: str | None = None) -> str:
    return str(kind.name(_language(language)))  # type: ignore[attr-defined]


@register.filter
def kind_plural(kind: object, language: str | None = None) -> str:
    return str(kind.plural(_language(language)))  # type: ignore[attr-defined]


@register.filter
def signatory_name(signatory: object, language: str | None = None) -> str:
    return str(signatory.name(_language(language)))  # type: ignore[attr-defined]


@register.simple_tag
def version_url(versions: list[object], publication: object, language: str) -> str:
    """The page of the publication's version in `language`, else that language's home."""
    for candidate in [publication, *versions]:
        if getattr(candidate, "language", None) == language:
            return str(candidate.get_absolute_url())  # type: ignore[attr-defined]
    return f"/{language}/"
