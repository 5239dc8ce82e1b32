"""Readers' text: which language a comment is in, and its links made clickable, safely."""

from __future__ import annotations

import re
import unicodedata
from html import escape

from django.utils.safestring import SafeString, mark_safe

from nashr.core.languages import is_rtl, script_language

# Share of letters that must be of one script before the comment is said to be in it.
_SURE = 0.8


def guess_language(text: str, *, near: str = "") -> str:
    """The language of a reader's text, from its script: `near` (the publication's
    language) when written in that language's direction, else the site's first language
    written in it (Persian for Arabic script, English for Latin, as configured); "" when
    mixed or unknown.

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
        rtl = True
    elif latin / letters >= _SURE:
        rtl = False
    else:
        return ""
    if near and is_rtl(near) == rtl:
        return near
    return script_language(rtl=rtl)


# A link a reader wrote: http(s):// and the rest up to a space or a character no address
# ends with. Nothing else a reader writes becomes markup.
LINK = re.compile(r"https?://[^\s<>\"'«»]+[^\s<>\"'«».,;:!?)\]}،؛]", re.IGNORECASE)


def count_links(text: str) -> int:
    return len(LINK.findall(text))


def linkify(text: str) -> SafeString:
    """The text escaped, its links clickable (rel="nofollow ugc noopener"), lines kept."""
    pieces: list[str] = []
    position = 0
    for found in LINK.finditer(text):
        pieces.append(escape(text[position : found.start()]))
        url = found.group()
        pieces.append(
            f'<a href="{escape(url)}" rel="nofollow ugc noopener" dir="ltr">{escape(url)}</a>'
        )
        position = found.end()
    pieces.append(escape(text[position:]))
    paragraphs = "".join(pieces).split("\n\n")
    return mark_safe(  # every piece of reader text above went through escape()
        "".join(
            "<p>" + paragraph.strip("\n").replace("\n", "<br>") + "</p>"
            for paragraph in paragraphs
            if paragraph.strip()
        )
    )
