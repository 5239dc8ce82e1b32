"""Direction and language attributes for content, decided by the content's language."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb"})


def direction(language: str) -> str:
    """"rtl" or "ltr" for a language code."""
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"


def content_attrs(language: str) -> SafeString:
    """`lang="…" dir="…"` for an element holding content in that language."""
    return format_html('lang="{}" dir="{}"', language, direction(language))
