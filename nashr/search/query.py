"""A reader's search, parsed into a safe structure that each backend turns into its query.

What a reader may write: words (all must be found), "quoted phrases" (also «» and “”),
and -word or -"phrase" to leave out what contains them. Everything else (operators of
FTS5 or of tsquery, brackets, column names, SQL) is only text: it is cut into words by
the one normalization (``nashr.search.normalize``), so no character the reader typed
reaches the search engine except as part of a term of letters and digits.

Latin words are stemmed by the Snowball stemmer of each text's language (see
``nashr.search.normalize.stemmer_of``), so a query is read once per stemmer of the
languages it searches (the one language of a search restricted to it, else every
configured language): "Wahlen" is ``wahlen`` to English and ``wahl`` to German. Readings
that differ are *alternatives*, any of which may match (an FTS5 ``OR``, a tsquery ``|``);
a query of Persian words, or any query on a site with one stemmer (``fa,en``), has one.
What is left out is left out in every reading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nashr.core.languages import codes
from nashr.search import normalize
from nashr.search.normalize import stemmer_of

MAX_QUERY_LENGTH = 1000  # characters read of a query
MAX_CLAUSES = 12  # words and phrases, looked for or left out
MAX_PHRASE_TERMS = 12

# Quotation marks read as the ASCII one.
QUOTES = "«»“”„‟″＂"
_QUOTES = str.maketrans(dict.fromkeys(QUOTES, '"'))
# A quoted phrase (possibly unclosed) or a run of other non-space characters, either
# possibly preceded by minus signs.
_ITEM = re.compile(r'(?P<minus>-*)(?:"(?P<phrase>[^"]*)(?P<close>"?)|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class Clause:
    """Terms that must stand together in this order (one term: a word)."""

    terms: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.terms) > 1


@dataclass(frozen=True)
class ParsedQuery:
    """What to look for (every clause of one of the alternatives), what to leave out, and
    what a reader should be told about it."""

    text: str
    alternatives: tuple[tuple[Clause, ...], ...] = ()
    exclude: tuple[Clause, ...] = ()
    notices: tuple[str | Promise, ...] = ()
    error: str | Promise | None = None
    empty: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.empty

    @property
    def include(self) -> tuple[Clause, ...]:
        """The clauses of the first alternative (the only one, mostly)."""
        return self.alternatives[0] if self.alternatives else ()

    @property
    def highlight_terms(self) -> frozenset[str]:
        """The terms a result shows marked: those of every alternative."""
        return frozenset(
            term for clauses in self.alternatives for clause in clauses for term in clause.terms
        )


@dataclass
class _Builder:
    include: list[Clause] = field(default_factory=list)
    exclude: list[Clause] = field(default_factory=list)
    notices: list[str | Promise] = field(default_factory=list)
    dropped: bool = False

    def add(self, terms: list[str], *, negated: bool, separate: bool) -> None:
        clauses: list[tuple[str, ...]] = [(term,) for term in terms] if separate else [tuple(terms)]
        for clause_terms in clauses:
            if not clause_terms:
                continue
            if len(clause_terms) > MAX_PHRASE_TERMS:
                clause_terms = clause_terms[:MAX_PHRASE_TERMS]
                self.notice(
                    _("A phrase was shortened to its first %(count)d words.")
                    % {"count": MAX_PHRASE_TERMS}
                )
            clause = Clause(clause_terms)
            target = self.exclude if negated else self.include
            if clause in target:
                continue
            if len(self.include) + len(self.exclude) >= MAX_CLAUSES:
                self.dropped = True
                continue
            target.append(clause)

    def notice(self, message: str | Promise) -> None:
        if message not in self.notices:
            self.notices.append(message)


def _read(text: str, *, stemmer: str) -> _Builder:
    """The clauses of `text`, its Latin words stemmed by `stemmer`."""
    builder = _Builder()
    run: list[str] = []  # plain words next to each other: affixes may join them

    def terms(words: str) -> list[str]:
        return normalize.terms(words, stemmer=stemmer)

    def flush_run() -> None:
        if run:
            builder.add(terms(" ".join(run)), negated=False, separate=True)
            run.clear()

    for item in _ITEM.finditer(text.translate(_QUOTES)):
        negated = bool(item["minus"])
        if item["phrase"] is not None:
            flush_run()
            if not item["close"]:
                builder.notice(_("A quotation mark was not closed; the phrase runs to the end."))
            builder.add(terms(item["phrase"]), negated=negated, separate=False)
        elif negated:
            flush_run()
            builder.add(terms(item["word"]), negated=True, separate=False)
        else:
            run.append(item["word"])
    flush_run()
    if builder.dropped:
        builder.notice(
            _("Only the first %(count)d words and phrases of your search were used.")
            % {"count": MAX_CLAUSES}
        )
    return builder


def parse_query(text: str, *, languages: Sequence[str] | None = None) -> ParsedQuery:
    """The reader's search `text` as clauses, read as each of `languages` reads it (every
    configured language when None: see the module's docstring); never raises, whatever
    the text."""
    if not text or not text.strip():
        return ParsedQuery(text="", empty=True)
    notices: list[str | Promise] = []
    if len(text) > MAX_QUERY_LENGTH:
        notices.append(
            _("Only the first %(count)d characters of your search were used.")
            % {"count": MAX_QUERY_LENGTH}
        )
        text = text[:MAX_QUERY_LENGTH]
    text = text.replace("\x00", " ")
    alternatives: list[tuple[Clause, ...]] = []
    exclude: list[Clause] = []
    for stemmer in dict.fromkeys(stemmer_of(code) for code in (languages or codes())):
        reading = _read(text, stemmer=stemmer)
        if tuple(reading.include) not in alternatives:
            alternatives.append(tuple(reading.include))
        exclude += [clause for clause in reading.exclude if clause not in exclude]
        notices += [notice for notice in reading.notices if notice not in notices]
    error: str | Promise | None = None
    if not alternatives[0]:  # a word read one way is a word read any other
        alternatives = []
        if exclude:
            error = _(
                "Your search only says what to leave out (words after a minus sign). "
                "Add at least one word to look for."
            )
        else:
            error = _(
                "Your search has no letters or digits to look for. Type one or more words, "
                'a "phrase in quotation marks", or -word to leave a word out.'
            )
    return ParsedQuery(
        text=text,
        alternatives=tuple(alternatives),
        exclude=tuple(exclude),
        notices=tuple(notices),
        error=error,
    )
