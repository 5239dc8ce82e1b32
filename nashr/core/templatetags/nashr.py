"""Template helpers for dates in each calendar and direction by content language.

Helpers about publications (their address, kind and signatory names) are in
``nashr.publications.templatetags.publications``.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import override

from nashr.core import bidi, calendars, languages
from nashr.core.languages import base_language, current_language, own_name

register = template.Library()


def language_or_current(language: str | None) -> str:
    """`language` as a base code ("fa" for "fa-IR"); none given, the page's language."""
    return base_language(language) if language else current_language()


@register.filter
def localdate(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """A date written out in the calendar of `language` (default: the page's)."""
    return calendars.format_date(value, language_or_current(language))


@register.filter
def localdatetime(value: dt.datetime | None, language: str | None = None) -> str:
    """A moment in the site's time zone, in the calendar and digits of `language`."""
    return calendars.format_datetime(value, language_or_current(language))


@register.filter
def digits(value: object, language: str | None = None) -> str:
    """Digits as `language` (default: the page's) writes them."""
    return calendars.localize_digits(str(value), language_or_current(language))


@register.filter
def direction(language: str) -> str:
    return bidi.direction(language)


@register.simple_tag
def content_attrs(language: str) -> SafeString:
    """`lang` and `dir` attributes for an element holding content in `language`."""
    return bidi.content_attrs(language)


@register.filter
def named(obj: object, words: int | str | None = None) -> SafeString:
    """An object's name marked with its language (bidi.named); `words`: at most so many."""
    text = Truncator(str(obj)).words(int(words)) if words else None
    return bidi.named(obj, text)


@register.filter
def with_named(text: str, obj: object) -> SafeString:
    """A sentence of Django's holding an object's name (a page's title: "Change history:
    Newsletter", already translated), the name marked with its language (its last
    occurrence: the sentence's own words come first)."""
    escaped, name = conditional_escape(text), conditional_escape(str(obj))
    head, found, tail = escaped.rpartition(name)
    if not found or not name:
        return SafeString(escaped)
    return SafeString(head + bidi.named(obj) + tail)


@register.simple_tag
def site_name(language: str | None = None) -> str:
    """The site's name as configured, in `language` (default: the page's)."""
    return languages.site_name(language_or_current(language))


@register.simple_tag
def month_name(year: int, month: int, language: str | None = None) -> str:
    return calendars.format_month(year, month, language_or_current(language))


@register.filter
def language_name(language: str) -> str:
    """The language's name in itself: "فارسی", "English"."""
    return own_name(language)


@register.filter
def language_name_translated(language: str) -> str:
    """The language's name in the page's language: "Persian" on /en/, "انگلیسی" on /fa/."""
    return languages.language_name(language)


@register.simple_tag
def month_only(month: int, language: str | None = None) -> str:
    """The name of a month of the language's calendar, without the year: "آبان", "May"."""
    return calendars.month_names(language_or_current(language))[month - 1]


def _page_in(context: template.Context, language: str) -> str:
    """This page in another interface language; that language's home if there is none."""
    alternates = context.get("alternates") or {}
    if language in alternates:
        return str(alternates[language])
    with override(language):
        home = reverse("publications:home")
    request = context.get("request")
    # Django's 404 view passes "request_path": the same address in another language
    # would be missing too.
    if request is None or "request_path" in context:
        return home
    try:
        resolve(request.path_info)
    except Resolver404:
        return home
    url = translate_url(request.get_full_path(), language)
    return home if url == request.get_full_path() else url


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, str]]:
    """The header's language switch: every other interface language with this page in it."""
    current = language_or_current(None)
    return [
        {
            "code": code,
            "name": language_name(code),
            "dir": bidi.direction(code),
            "url": _page_in(context, code),
        }
        for code, _name in settings.LANGUAGES
        if code != current
    ]
