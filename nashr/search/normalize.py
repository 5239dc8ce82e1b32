"""One normalization of text for search, the same when indexing and when querying.

Persian reaches the site typed on many keyboards, so a word is reduced to one spelling
before either database sees it; both backends then index and match these words with no
language processing of their own (FTS5 ``unicode61`` without diacritic removal,
PostgreSQL's ``simple`` configuration), and so find the same things.

Characters: ``fold`` is ``nashr.core.spelling.fold``, the one character fold of every
search in Nashr (keyboard letters, digits, marks, invisible characters, case); its
docstring says what it does. It keeps the zero-width non-joiner (ZWNJ), the mark between
the parts of a word that the rules below read.

Words (``words``):

* A word is a run of letters and digits whose parts may be joined by ZWNJ. The parts
  are joined into one term, so «میروم» and «می‌روم» are the same term, ``میروم``.
* Separable affixes written with a space are joined to their word, so «می روم» is that
  term too: the prefixes می and نمی join the following Persian word, the suffixes
  ها/های/هایی/تر/ترین (and the possessive forms of ها) join the preceding one. Only
  affixes that are almost never words of their own are on these lists; ای and ام, for
  example, are not (ای ایران).
* An ezafe written as a separate ی after a final ه («خانه‌ی», «خانه ی») is dropped, so
  those spellings, «خانۀ» and «خانه» are one term.
* A word made of several parts also yields each part that is not an affix as an
  *extra* term, indexed in a column of its own: «کتاب» finds «کتاب‌ها», but phrases
  and exact terms are matched against the joined forms only.
* Words in Latin letters (a to z once folded: the fold drops accents and writes ß as
  ss) are reduced to their stem by a Snowball stemmer, in Python, so both databases
  index the same stems. Which stemmer is the text's language's (`stemmer_of`): its own
  for a language written in Latin letters that has one (English: prisoners → prison;
  German: Wahlen → wahl), none for one that has none (Kurmanji). A language written in
  another script (Persian, Sorani) has Latin words only as names and quotations: they
  are stemmed as the site's first Latin-script language with a stemmer stems them
  (English's on a site of ``fa,en``, as before languages were configuration). Words in
  other scripts are never stemmed: the rules above are Nashr's analysis of Persian and
  its neighbours, and Snowball's Persian and Arabic stemmers expect the letters the
  fold has replaced (so such a language has no stemmer: ``nashr.core.languages``
  refuses one).
  A query is then read once per stemmer of the languages it searches (see
  ``nashr.search.query``).
* Terms longer than ``MAX_TERM_LENGTH`` characters are dropped (no real word is that
  long, and PostgreSQL would refuse them).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import snowballstemmer

from nashr.core.languages import site_language, site_languages, writes_letter
from nashr.core.spelling import ZWNJ, fold

MAX_TERM_LENGTH = 64

# Combining marks, zero-width and bidi characters that may stand inside a written word.
MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u061c\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u08d3-\u08ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
)
# A written word in the original text: letters, digits and marks, with apostrophes inside.
SPAN = re.compile(rf"[\w{MARKS}]+(?:['’][\w{MARKS}]+)*")
# A word of folded text: letters and digits, parts joined by ZWNJ.
_WORD = re.compile(rf"[^\W_]+(?:{ZWNJ}+[^\W_]+)*")

PREFIXES = frozenset({"می", "نمی"})
SUFFIXES = frozenset(
    {
        "ها",
        "های",
        "هایی",
        "هایم",
        "هایت",
        "هایش",
        "هایمان",
        "هایتان",
        "هایشان",
        "تر",
        "ترین",
    }
)
EZAFE = "ی"
AFFIXES = PREFIXES | SUFFIXES | {EZAFE}

# Snowball stemmers by algorithm name ("english"), made once in each thread: a stemmer
# keeps the word it works on in itself, so two threads must not share one. snowballstemmer
# gives PyStemmer's (Snowball's C code, a twelfth of the time of its own Python, the same
# stems: compared on 97,000 words of five languages) when it is installed, as here.
_stemmers = threading.local()


def stem(word: str, stemmer: str) -> str:
    """`word` (folded, Latin letters) reduced by the Snowball `stemmer`; itself for ""."""
    if not stemmer:
        return word
    made: dict[str, Any] = _stemmers.__dict__
    if stemmer not in made:
        made[stemmer] = snowballstemmer.stemmer(stemmer)
    return str(made[stemmer].stemWord(word))


def _writes_latin(code: str) -> bool:
    return writes_letter(code, "a")


def stemmer_of(language: str) -> str:
    """The Snowball stemmer of the Latin-letter words of a text in `language` ("" for
    none): see the module's docstring."""
    if _writes_latin(language):
        return site_language(language).stemmer
    for other in site_languages():
        if other.stemmer and _writes_latin(other.code):
            return other.stemmer
    return ""


def _is_persian(part: str) -> bool:
    return "\u0600" <= part[0] <= "\u06ff"


_PLAIN, _PREFIX, _SUFFIX, _EZAFE = range(4)


@functools.lru_cache(maxsize=200_000)
def span_words(span: str, stemmer: str) -> tuple[tuple[tuple[str, ...], int, bool], ...]:
    """The words of one written word of the original text, its Latin words stemmed by
    `stemmer`: folded parts, role, Persian?"""
    found = []
    for match in _WORD.finditer(fold(span)):
        parts = tuple(part for part in match.group().split(ZWNJ) if part)
        single = parts[0] if len(parts) == 1 else None
        if single is not None and stemmer and single.isascii() and single.isalpha():
            parts = (stem(single, stemmer),)
        if single in PREFIXES:
            role = _PREFIX
        elif single in SUFFIXES:
            role = _SUFFIX
        elif single == EZAFE:
            role = _EZAFE
        else:
            role = _PLAIN
        found.append((parts, role, _is_persian(parts[0])))
    return tuple(found)


class Word:
    """One word of a text: where it is written, its term and the extra terms of its parts."""

    __slots__ = ("end", "parts", "start")

    def __init__(self, start: int, end: int, parts: list[str]) -> None:
        self.start = start
        self.end = end
        self.parts = parts

    def __repr__(self) -> str:
        return f"Word({self.start}, {self.end}, {self.parts!r})"

    @property
    def term(self) -> str:
        if len(self.parts) == 1:
            return self.parts[0]
        return "".join(self._kept_parts())

    @property
    def extras(self) -> list[str]:
        if len(self.parts) == 1:
            return []
        kept = self._kept_parts()
        if len(kept) < 2:
            return []
        return [part for part in kept if part not in AFFIXES and len(part) <= MAX_TERM_LENGTH]

    def _kept_parts(self) -> list[str]:
        parts = self.parts
        if len(parts) > 1 and parts[-1] == EZAFE and parts[-2].endswith("ه"):
            return parts[:-1]
        return parts


def words(text: str, start: int = 0, *, stemmer: str) -> Iterator[Word]:
    """The words of `text`, with their places in it, affixes joined as described above,
    Latin words stemmed by `stemmer` (see `stemmer_of`); from `start` on (the start of a
    written word) when given."""
    pending: Word | None = None
    joins_next = False  # the pending word is a prefix
    for span in SPAN.finditer(text, start):
        start, end = span.span()
        # Only whitespace between two written words lets an affix join them, and only
        # the first word of a written word (a_b gives two) may join the one before.
        spaced = pending is not None and text[pending.end : start].isspace()
        for parts, role, persian in span_words(span.group(), stemmer):
            if spaced and pending is not None:
                spaced = False
                last = pending.parts[-1]
                if joins_next and persian:
                    pending.parts.extend(parts)
                    pending.end = end
                    joins_next = False
                    continue
                if (role == _SUFFIX or (role == _EZAFE and last.endswith("ه"))) and _is_persian(
                    last
                ):
                    pending.parts.append(parts[0])
                    pending.end = end
                    continue
            if pending is not None:
                yield pending
            pending = Word(start, end, list(parts))
            joins_next = role == _PREFIX
            spaced = False
    if pending is not None:
        yield pending


def terms(text: str, *, stemmer: str) -> list[str]:
    """The terms of `text`, in order, Latin words stemmed by `stemmer`: what a query
    looks for."""
    return [word.term for word in words(text, stemmer=stemmer) if len(word.term) <= MAX_TERM_LENGTH]


# Every this many terms, where in the text the term's word starts (`Analysis.starts`).
STARTS_EVERY = 8


@dataclass(frozen=True)
class Analysis:
    """A text as it is indexed: its terms in order, the extra terms of split words, and
    where the words of every `STARTS_EVERY`-th term start in the text (digits joined by
    spaces), so that a snippet can start near a match without reading the words before."""

    terms: str
    extras: str
    starts: str = ""


def analyze(text: str, *, stemmer: str) -> Analysis:
    """The terms and extra terms of `text`, each joined by spaces, ready to index, Latin
    words stemmed by `stemmer`, and the starts of every `STARTS_EVERY`-th term's word."""
    main: list[str] = []
    extras: list[str] = []
    starts: list[str] = []
    for word in words(text, stemmer=stemmer):
        if len(word.parts) == 1:  # most words: no parts, no extras
            term = word.parts[0]
        else:
            term = word.term
            extras.extend(word.extras)
        if len(term) <= MAX_TERM_LENGTH:
            if len(main) % STARTS_EVERY == 0:
                starts.append(str(word.start))
            main.append(term)
    return Analysis(" ".join(main), " ".join(extras), " ".join(starts))
