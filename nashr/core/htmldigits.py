"""Digits of an HTML page written as its interface language writes them.

Django's admin prints its own numbers (result counts, "2 of 5 selected", page numbers,
years of a date drill-down) with ASCII digits whatever the language, and its Persian
catalogue keeps them so. The Persian admin passes its pages through
`localize_html_digits`, which rewrites the digits of the page's text and leaves alone
what must stay as typed or as written elsewhere:

- markup itself (tags, attributes, so form values and links keep their digits);
- code: ``script``, ``style``, ``code``, ``pre``, ``kbd``, ``samp``, ``textarea``;
- source text shown to editors as typed (the original beside a translation form, the
  revisions' differences): an element marked ``data-as-typed`` and everything inside it,
  so a reference ``media:12`` copied from it still works;
- content in another language: an element whose ``lang`` is not the page's, and
  everything inside it (an English title keeps "COP28");
- addresses inside the text: a word holding "://", "@" or "media:" (a reference to an
  upload, as in an error naming it), or starting with "/".

Dates are not made here: a Gregorian date with Persian digits is still Gregorian, so
every date the admin shows goes through ``calendars.format_date``/``format_datetime``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from nashr.core.calendars import localize_digits
from nashr.core.languages import site_language

# Elements whose text is code, or typed by the user: their digits stay.
CODE_ELEMENTS = frozenset({"script", "style", "code", "pre", "kbd", "samp", "textarea"})
# The attribute that marks text shown as typed (Markdown source): its digits stay.
AS_TYPED = "data-as-typed"
# Elements with no end tag: never on the stack.
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
# A word of the text that is an address: a URL, a path (perhaps after a mark of direction,
# "\u200e/node/12"), an e-mail address.
ADDRESS = re.compile(r"\S*(?:://|@|media:)\S*|(?<![^\s\u200e\u200f\u2066-\u2069])/\S*")


def localize_text_digits(text: str, language: str) -> str:
    """`text` with its digits in `language`, addresses inside it left as written."""
    pieces = []
    last = 0
    for found in ADDRESS.finditer(text):
        pieces.append(localize_digits(text[last : found.start()], language))
        pieces.append(found.group())
        last = found.end()
    pieces.append(localize_digits(text[last:], language))
    return "".join(pieces)


class _DigitRewriter(HTMLParser):
    """Copies the page, rewriting the digits of text in the page's own language."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=False)
        self.language = language
        self.out: list[str] = []
        # (tag, whether the text inside keeps its digits)
        self.stack: list[tuple[str, bool]] = []

    def _kept(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in VOID_ELEMENTS:
            return
        named = dict(attrs)
        lang = named.get("lang")
        other_language = lang is not None and lang.split("-")[0].lower() != self.language
        kept = tag in CODE_ELEMENTS or other_language or AS_TYPED in named
        self.stack.append((tag, self._kept() or kept))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        # Optional end tags (p, li, td...) leave elements open: close up to this one.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        self.out.append(data if self._kept() else localize_text_digits(data, self.language))

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def localize_html_digits(html: str, language: str) -> str:
    """The page with the digits of its `language` text written as that language does."""
    if site_language(language).digits == "latn":
        return html
    rewriter = _DigitRewriter(language)
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out)
