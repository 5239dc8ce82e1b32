"""Readers' text: which language a comment is in, and its links made clickable, safely."""

from __future__ import annotations

import unicodedata

# Share of letters that must be of one script before the comment is said to be in it.
_SURE = 0.8


def guess_language(text: str) -> str:
    """ "fa" for text in Arabic script, "en" for Latin, "" when mixed or unknown.

    Only the `lang` attribute depends on it; the direction is the browser's (dir="auto").
    """
    arabic = latin = 0
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("ARABIC"):
            arabic += 1
        elif name.startswith("LATIN"):
            latin += 1
    letters = arabic + latin
    if letters == 0:
        return ""
    if arabic / letters >= _SURE:
        return "fa"
    if latin / letters >= _SURE:
        return "en"
    return ""
