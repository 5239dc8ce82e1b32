"""Direction and language attributes for content, decided by the content's language."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

from nashr.core import languages


def direction(language: str) -> str:
    """ "rtl" or "ltr" for a language code: as configured for the site's languages, as
    ICU's CLDR data says for another (an imported text's)."""
    return languages.direction(language)


def content_attrs(language: str) -> SafeString:
    """`lang="…" dir="…"` for an element holding content in that language."""
    return format_html('lang="{}" dir="{}"', language, direction(language))
