"""One spelling of Persian (and Arabic-script, and Latin) text, for matching what readers type.

Persian reaches Nashr typed on many keyboards: an Arabic keyboard gives ي and ك where a
Persian one gives ی and ک, digits come in three alphabets, marks and invisible characters
may be there or not, and a half-space (ZWNJ) may be typed or left out. `fold` reduces
each character to one spelling; every search builds on it:

* the site's search and ``nashr search`` (``nashr.search.normalize``) split the folded
  text into words, where the half-space still marks the parts of a word (its affixes,
  stems and ezafe are word rules, not character rules, and stay there);
* the admin's search boxes (``core.admin.SpellingSearchAdmin``) compare with
  `fold_for_contains` (the fold without half-spaces, so «گفتوگو» finds «گفت‌وگو») on both
  sides of a substring match: the typed text in Python, the column in the database
  (`folded_for_contains`), written in SQL from the same tables; the words of the comment
  pattern list are matched so too, and ``nashr import`` compares names with `fold`;
* the static mirror's search runs ``mirror/static/mirror/normalize.js``, whose tables are
  written from these ones (``nashr normalize_js``).

What `fold` does, in order:

1. Compatibility decomposition (NFKD), then every combining mark (Unicode category Mn)
   is dropped. This removes the harakat (U+064B–U+065F), the superscript alef (U+0670)
   and Quranic marks, turns Arabic presentation forms (ﻻ, ﻙ...) into plain letters, and
   strips what letters carry: hamza and madda go, so أ إ آ become ا, ؤ becomes و, ئ
   becomes ي (then ی: «پائیز» finds «پاییز»), ۀ and هٔ become ه. Latin accents go too
   (café → cafe). آ is folded into ا on purpose, as Lucene's Arabic and Persian analyzers
   do: many people type ا for آ, and the pairs the fold confuses are rare.
2. `LETTERS`: Arabic yeh ي, alef maksura ى, yeh barree ے and ې become Persian ی; Arabic
   kaf ك and swash kaf ڪ become Persian ک; teh marbuta ة, heh goal ہ and ae ە become ه;
   Sorani Kurdish's ێ, ھ and ۆ, which readers on Arabic and Persian keyboards type as
   ی, ه and و, become those (ڵ, ڕ and ڤ stay: they tell words apart, کوڕ from کور);
   the Azerbaijani schwa ə and the dotless ı become e and i, as readers without them type;
   alef wasla ٱ becomes ا; a zero-width space becomes ZWNJ (keyboards type one for the
   other). `DIGITS`: Persian (۰–۹) and Arabic-Indic (٠–٩) digits become 0–9. `REMOVED`:
   tatweel, soft hyphens, zero-width joiners, byte-order marks, bidi controls and
   apostrophes (prisoner's → prisoners) go.
3. Case is folded, then the text is composed again (NFC).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.core.validators import RegexValidator
from django.db.models import Expression, F, Func, TextField
from django.utils.translation import gettext_lazy as _

ZWNJ = "\u200c"
ZWSP = "\u200b"

# Letters typed on other keyboards, and their Persian spelling.
LETTERS: dict[str, str] = {
    "ي": "ی",  # U+064A Arabic yeh
    "ى": "ی",  # U+0649 alef maksura
    "ے": "ی",  # U+06D2 yeh barree
    "ې": "ی",  # U+06D0 e
    "ك": "ک",  # U+0643 Arabic kaf
    "ڪ": "ک",  # U+06AA swash kaf
    "ة": "ه",  # U+0629 teh marbuta
    "ہ": "ه",  # U+06C1 heh goal (ۂ decomposes to it)
    "ە": "ه",  # U+06D5 ae (ۀ decomposes to it), Sorani's vowel e
    "ھ": "ه",  # U+06BE heh doachashmee, Sorani's h
    "ێ": "ی",  # U+06CE yeh with small v, Sorani's ê
    "ۆ": "و",  # U+06C6 oe, Sorani's o
    "ٱ": "ا",  # U+0671 alef wasla
    "ə": "e",  # U+0259 schwa (Azerbaijani), typed as e where the keyboard lacks it
    "Ə": "e",  # U+018F capital schwa
    "ı": "i",  # U+0131 dotless i (Azerbaijani, Turkish), typed as i
    ZWSP: ZWNJ,  # zero-width space, often typed for ZWNJ
}
DIGITS = dict(zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2, strict=True))
# Characters that change nothing a reader sees in a word.
REMOVED = (
    "\u0640"  # tatweel
    "\u00ad"  # soft hyphen
    "\u200d"  # zero-width joiner
    "\ufeff"  # byte-order mark / zero-width no-break space
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "'’"  # apostrophes (inside a word; the public search keeps them out of words)
)
# Step 2 of `fold`, each character and what it becomes ("" for nothing).
CHARACTERS: dict[str, str] = {**LETTERS, **DIGITS, **dict.fromkeys(REMOVED, "")}
# The same for a substring match, which drops the half-space too: "میروم" finds "می‌روم".
CHARACTERS_FOR_CONTAINS: dict[str, str] = {**CHARACTERS, ZWNJ: "", ZWSP: ""}
# The category of the combining marks that step 1 drops.
MARK_CATEGORY = "Mn"

# Letters that are letters of a language's own alphabet, not another keyboard's spelling:
# an address keeps them as its title writes them (a Sorani title's ە ێ ۆ ھ, Azerbaijani ə).
OWN_LETTERS = frozenset("ەێۆھəƏı")
_LETTERS_TABLE = str.maketrans(
    {letter: kept for letter, kept in LETTERS.items() if letter not in OWN_LETTERS}
)


@functools.cache
def _marks() -> tuple[str, ...]:
    """Every combining mark that `fold` drops, in order (found once, when first asked)."""
    return tuple(
        chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == MARK_CATEGORY
    )


@functools.cache
def _translations() -> tuple[dict[int, Any], dict[int, Any]]:
    """Steps 1 (the marks) and 2 in one table for str.translate: `fold`'s, then
    `fold_for_contains`'s."""
    dropped = dict.fromkeys(map(ord, _marks()))
    return (
        {**dropped, **str.maketrans(CHARACTERS)},
        {**dropped, **str.maketrans(CHARACTERS_FOR_CONTAINS)},
    )


def _fold(text: str, table: dict[int, Any]) -> str:
    translated = unicodedata.normalize("NFKD", text).translate(table)
    return unicodedata.normalize("NFC", translated.casefold())


def fold(text: str) -> str:
    """`text` with each character in one spelling, half-spaces kept (see the docstring)."""
    return _fold(text, _translations()[0])


def fold_for_contains(text: str) -> str:
    """`fold`, without half-spaces: what a substring search compares on both sides."""
    return _fold(text, _translations()[1])


_SLUG_DROPPED = re.compile(rf"[^\w\s{ZWNJ}-]")
_SLUG_JOINS = re.compile(rf"{ZWNJ}*(?:[-\s]+{ZWNJ}*)+")
# A slug: letters, digits, "_" and "-", and half-spaces between letters.
SLUG = re.compile(rf"^[\w-]+(?:{ZWNJ}[\w-]+)*\Z")
validate_slug = RegexValidator(
    SLUG,
    _("Enter a slug of letters, digits, hyphens and half-spaces (between letters)."),
    "invalid",
)


def slug_of(text: str, *, max_length: int = 80) -> str:
    """A slug of a Persian or English title: words joined by "-", half-spaces kept.

    Django's slugify drops the half-space, which joins the parts of a Persian word that
    must stay apart («همه‌ی» becomes «همهی», read as another word); here it stays, so the
    address reads as the title does.
    """
    text = unicodedata.normalize("NFKC", text).translate(_LETTERS_TABLE).lower()
    text = _SLUG_JOINS.sub("-", _SLUG_DROPPED.sub("", text).strip())
    text = re.sub(f"{ZWNJ}+", ZWNJ, text)[:max_length]
    return text.strip("-_" + ZWNJ)


# `fold_for_contains` in the databases. SQLite runs the Python function itself, registered
# under this name on each connection (core.apps).
SQLITE_FUNCTION = "nashr_fold_for_contains"


def sqlite_fold_for_contains(text: object) -> str | None:
    """`fold_for_contains` as SQLite calls it (NULL stays NULL)."""
    return None if text is None else fold_for_contains(str(text))


@functools.cache
def _mark_ranges() -> str:
    """`_marks()` as the inside of a regular expression's brackets: ranges of characters,
    written as themselves."""
    ranges: list[str] = []
    found = _marks()
    start = 0
    for index in range(1, len(found) + 1):
        if index == len(found) or ord(found[index]) != ord(found[index - 1]) + 1:
            first, last = found[start], found[index - 1]
            ranges.append(first if first == last else f"{first}-{last}")
            start = index
    return "".join(ranges)


def postgresql_fold_for_contains(
    sql: str, params: Sequence[Any] = ()
) -> tuple[str, tuple[Any, ...]]:
    """The SQL of `fold_for_contains` applied to the SQL expression `sql` (whose parameters
    are `params`), and its parameters: PostgreSQL 13 or later, a UTF-8 database.

    Each step of `fold` in turn: normalize(NFKD); one regexp_replace() deletes the marks
    and the characters `CHARACTERS_FOR_CONTAINS` deletes; translate() maps the others;
    lower() folds the case; normalize(NFC). translate() compares each character with each
    of its list, so it gets the short list of those mapped, and text that is all ASCII
    (addresses, identifiers: no mark, nothing to decompose or compose) takes a shortcut
    through the ASCII part of the table alone. lower() follows the database's locale: it
    agrees with Python's casefold() on every letter with one lower-case form, not on the
    few that fold to two (ß) or to another (ς).
    """
    mapped = {key: value for key, value in CHARACTERS_FOR_CONTAINS.items() if value}
    deleted = "".join(key for key, value in CHARACTERS_FOR_CONTAINS.items() if not value)
    ascii_table = {key: value for key, value in CHARACTERS_FOR_CONTAINS.items() if key.isascii()}
    if set(deleted) & set("[]^-\\"):
        raise ValueError("a character deleted would change the meaning of the brackets")
    text = f"CAST({sql} AS text)"
    folded = (
        f"CASE WHEN octet_length({text}) = char_length({text})"
        f" THEN translate(lower({text}), %s, %s)"
        f" ELSE normalize(lower(translate(regexp_replace(normalize({text}, NFKD), %s, '', 'g'),"
        " %s, %s)), NFC) END"
    )
    return folded, (
        *params,
        *params,
        *params,
        *_translate_arguments(ascii_table),
        *params,
        f"[{_mark_ranges()}{deleted}]",
        *_translate_arguments(mapped),
    )


def _translate_arguments(table: dict[str, str]) -> tuple[str, str]:
    """translate(text, from, to) for `table`: each character of `from` becomes the one at
    the same place in `to`, and those past its end are deleted."""
    if any(len(value) > 1 for value in table.values()):
        raise ValueError("translate() maps a character to one character or deletes it")
    mapped = {key: value for key, value in table.items() if value}
    deleted = [key for key, value in table.items() if not value]
    return "".join(mapped) + "".join(deleted), "".join(mapped.values())


class FoldedForContains(Func):
    """An expression's text in the spelling `fold_for_contains` gives, computed by the
    database: on PostgreSQL in SQL, on SQLite by the Python function."""

    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return postgresql_fold_for_contains(sql, params)


def folded_for_contains(field: str | Expression) -> Expression:
    """The database's value of `field` (a name or an expression) as `fold_for_contains`
    gives it."""
    return FoldedForContains(F(field) if isinstance(field, str) else field)
