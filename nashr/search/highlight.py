"""Matched words marked in a result's own text, found with the same normalization."""

from __future__ import annotations

import functools
import itertools
import re
from collections import deque
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from nashr.search import normalize

SNIPPET_BEFORE = 10  # words shown before the first match
SNIPPET_WORDS = 36  # words in a snippet
SNIPPET_SCAN = 60_000  # characters searched for a match before falling back to the start
ELLIPSIS = "…"
_SPAN_AFTER = re.compile(r"[^\W_]")


def _matches(word: normalize.Word, terms: frozenset[str]) -> bool:
    return word.term in terms or any(extra in terms for extra in word.extras)


def _render(text: str, start: int, end: int, marked: Iterable[normalize.Word]) -> str:
    pieces: list[str] = []
    position = start
    for word in marked:
        pieces.append(str(escape(text[position : word.start])))
        pieces.append(f"<mark>{escape(text[word.start : word.end])}</mark>")
        position = word.end
    pieces.append(str(escape(text[position:end])))
    return "".join(pieces)


def highlight(text: str, terms: frozenset[str], *, stemmer: str) -> SafeString:
    """All of `text`, escaped, with the words that match `terms` in <mark>; its Latin
    words stemmed by `stemmer`, as its language's are indexed."""
    marked = [word for word in normalize.words(text, stemmer=stemmer) if _matches(word, terms)]
    return mark_safe(_render(text, 0, len(text), marked))  # pieces escaped in _render


def _scan_start(text: str, terms: frozenset[str], stemmer: str) -> int | None:
    """Where in `text` to start looking for the first match word by word, or None if no
    written word could be part of one.

    A cheap pass over the written words, each analysed once per process (see
    `normalize.span_words`): a word can only be part of a match if one of its parts is
    a term, or a piece of one (a prefix, stem or suffix written apart, which
    `normalize.words` joins). One-letter pieces (the Persian "and", the ezafe) are too
    common to tell anything and are passed over unless they are a term themselves. The
    scan starts far enough before the first such word for the words shown before the
    match, and for those it joins with (a prefix, suffixes).
    """
    starts: deque[int] = deque(maxlen=SNIPPET_BEFORE + 4)
    pieces = [term for term in terms if not term.isascii()]  # only Persian words join
    for span in normalize.SPAN.finditer(text):
        starts.append(span.start())
        for parts, _role, persian in normalize.span_words(span.group(), stemmer):
            for part in parts:
                if part in terms or (
                    persian and len(part) > 1 and any(part in term for term in pieces)
                ):
                    return starts[0]
    return None


# `match_start`'s answer for a text whose terms hold no match (only its title matched).
NO_MATCH = -1


@functools.lru_cache(maxsize=256)
def _terms_pattern(terms: frozenset[str]) -> re.Pattern[str]:
    """Any of `terms` as a whole term of an entry's terms (joined by single spaces)."""
    return re.compile("(?<![^ ])(?:" + "|".join(map(re.escape, sorted(terms))) + ")(?![^ ])")


def match_start(
    entry_terms: str, entry_extras: str, starts: str, terms: frozenset[str]
) -> int | None:
    """Where in a text to start reading words for its first match and those shown before
    it, from its search entry (its terms, extra terms and word starts, see
    `normalize.analyze`): `NO_MATCH` if it holds none, None if the entry cannot tell
    (made before starts were kept, or a match may be a part of a split word, which the
    terms do not show).

    The first match is the first term that is one of `terms`; the words are read from
    the recorded start at least SNIPPET_BEFORE + 3 terms before it, as `_scan_start`
    would start (a regular expression and a count instead of a look at every word).
    """
    if not starts or not terms or not terms.isdisjoint(entry_extras.split()):
        return None
    found = _terms_pattern(terms).search(entry_terms)
    if found is None:
        return NO_MATCH
    index = entry_terms.count(" ", 0, found.start())
    recorded = starts.split()
    checkpoint = max(0, index - (SNIPPET_BEFORE + 3)) // normalize.STARTS_EVERY
    if checkpoint >= len(recorded):
        return None
    return int(recorded[checkpoint])


def snippet(
    text: str, terms: frozenset[str], *, stemmer: str, start: int | None = None
) -> SafeString:
    """Some words of `text` around its first match, escaped, matches in <mark>; its Latin
    words stemmed by `stemmer`, as its language's are indexed. `start`: where to start
    reading (see `match_start`), else found by a look at the words."""
    scanned = text[:SNIPPET_SCAN]
    before: deque[normalize.Word] = deque(maxlen=SNIPPET_BEFORE)
    window: list[normalize.Word] = []
    if start is None:
        start_at = _scan_start(scanned, terms, stemmer)
    else:
        start_at = None if start == NO_MATCH else start
    found = () if start_at is None else normalize.words(scanned, start_at, stemmer=stemmer)
    for word in found:
        if window or _matches(word, terms):
            window.append(word)
            if len(window) >= SNIPPET_WORDS - len(before):
                break
        else:
            before.append(word)
    words = [*before, *window]
    if not window:  # no match in the text (only in the title): its first words
        words = list(itertools.islice(normalize.words(scanned, stemmer=stemmer), SNIPPET_WORDS))
    if not words:
        return mark_safe("")
    start, end = words[0].start, words[-1].end
    if not _SPAN_AFTER.search(text, end):  # only punctuation left: show it too
        end = len(text)
    body = _render(text, start, end, [word for word in words if _matches(word, terms)])
    body = " ".join(body.split())  # lines of the body run together in a snippet
    prefix = ELLIPSIS + " " if text[:start].strip() else ""
    suffix = " " + ELLIPSIS if text[end:].strip() else ""
    return mark_safe(prefix + body + suffix)  # pieces escaped in _render
