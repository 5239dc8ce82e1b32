"""What of a publication is searched: its title, summary and body as plain text."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import TYPE_CHECKING, Any

from nashr.search import normalize

if TYPE_CHECKING:
    from nashr.publications.models import Publication

# Elements that end a line of text: their words must not run into the next ones.
_BREAKING = frozenset(
    {
        "address", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "table", "td",
        "th", "tr", "ul",
    }
)  # fmt: skip


# A tag of sanitized HTML (nh3 writes every attribute value quoted), or a comment.
_TAG = re.compile(r"""<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""", re.S)


def _tag(match: re.Match[str]) -> str:
    return "\n" if (match.group(2) or "").lower() in _BREAKING else ""


def html_to_text(html: str) -> str:
    """The text a reader sees in sanitized `html`, blocks on lines of their own.

    One regular expression over the tags (a fourth of the time of html.parser, which a
    search page paid for each of its twenty snippets); the HTML is always the
    sanitizer's output, so no script or style element holds text that is not shown.
    """
    return unescape(_TAG.sub(_tag, html)).strip()


def publication_text(publication: Publication) -> str:
    """Summary and body of a publication as plain text, as its page shows them."""
    body = html_to_text(publication.body_html)
    return f"{publication.summary}\n\n{body}".strip()


def entry_fields(publication: Publication) -> dict[str, Any]:
    """The fields of the search entry of a publication."""
    stemmer = normalize.stemmer_of(publication.language)
    title = normalize.analyze(publication.title, stemmer=stemmer)
    text = normalize.analyze(publication_text(publication), stemmer=stemmer)
    extras = " ".join(part for part in (title.extras, text.extras) if part)
    return {
        "language": publication.language,
        "kind_id": publication.kind_id,
        "date": publication.date,
        "title": title.terms,
        "body": text.terms,
        "extra": extras,
        "starts": text.starts,
        "facets": " ".join(
            [
                facet_terms(language=publication.language, kind_id=publication.kind_id),
                *date_terms(publication.date),
            ]
        ),
    }


def facet_terms(*, language: str | None = None, kind_id: int | None = None) -> str:
    """Terms that stand for a language and a kind in the FTS5 facets column."""
    terms = []
    if language:
        terms.append("lang" + re.sub(r"[^a-z0-9]", "", language.lower()))
    if kind_id is not None:
        terms.append(f"kind{kind_id}")
    return " ".join(terms)


def date_terms(date: dt.date) -> list[str]:
    """Terms for the decade, year and month of a date, in the FTS5 facets column."""
    return [f"d{date.year // 10}", f"y{date.year}", f"m{date.year}{date.month:02d}"]


def date_range_terms(first: dt.date | None, last: dt.date | None) -> list[str]:
    """Fewest decade, year and month terms covering the months from `first` to `last`.

    FTS5 then finds only entries in those months; the exact days are checked on the
    entries. An open end stops at 1900 or 2100.
    """
    first = first or dt.date(1900, 1, 1)
    last = last or dt.date(2100, 12, 31)
    month = first.year * 12 + first.month - 1
    end = last.year * 12 + last.month - 1
    terms = []
    while month <= end:
        year, index = divmod(month, 12)
        if index == 0 and year % 10 == 0 and month + 119 <= end:
            terms.append(f"d{year // 10}")
            month += 120
        elif index == 0 and month + 11 <= end:
            terms.append(f"y{year}")
            month += 12
        else:
            terms.append(f"m{year}{index + 1:02d}")
            month += 1
    return terms
