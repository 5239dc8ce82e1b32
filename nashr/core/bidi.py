"""Direction and language attributes for content, decided by the content's language."""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from nashr.core import languages
from nashr.core.calendars import localize_digits


def direction(language: str) -> str:
    """ "rtl" or "ltr" for a language code: as configured for the site's languages, as
    ICU's CLDR data says for another (an imported text's)."""
    return languages.direction(language)


def content_attrs(language: str) -> SafeString:
    """`lang="…" dir="…"` for an element holding content in that language."""
    return format_html('lang="{}" dir="{}"', language, direction(language))


def name_language(obj: object) -> str:
    """The language an object's name (its str()) is written in: a publication's title is in
    the publication's language, an issue's name in its series'; "" for a name in no language
    of its own (a username, an address)."""
    return str(getattr(obj, "name_language", "") or "")


def named(obj: object, text: str | None = None) -> SafeString:
    """`obj`'s name (or `text`, a name of it) for an admin page, in an element saying its
    language and direction, its digits as that language writes them; escaped, and left as
    it is, when the name is in no language of its own. An English title on a Persian page
    is read by a screen reader in English and set left to right, punctuation included."""
    shown = str(obj) if text is None else text
    language = name_language(obj)
    if not language:
        return SafeString(conditional_escape(shown))
    return format_html(
        "<span {}>{}</span>", content_attrs(language), localize_digits(shown, language)
    )
