"""One spelling of Persian text, for matching what readers and editors type.

Persian reaches Nashr typed on many keyboards: an Arabic keyboard gives ي and ك where a
Persian one gives ی and ک, digits come in three alphabets, and a half-space (ZWNJ) may
be there or not. The public search (``nashr.search.normalize``) folds words with these
tables and more (decomposition, affixes, stems); the admin's search boxes fold with
`fold_spelling` on both sides of a substring match: the typed text in Python, the
column in the database (`folded`), the same table on both.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.validators import RegexValidator
from django.db.models import Expression, F, Func, TextField
from django.utils.translation import gettext_lazy as _

ZWNJ = "\u200c"

# Letters typed on other keyboards, and their Persian spelling.
LETTERS: dict[str, str | int | None] = {
    "ي": "ی",  # U+064A Arabic yeh
    "ى": "ی",  # U+0649 alef maksura
    "ے": "ی",  # U+06D2 yeh barree
    "ې": "ی",  # U+06D0 e
    "ك": "ک",  # U+0643 Arabic kaf
    "ڪ": "ک",  # U+06AA swash kaf
    "ة": "ه",  # U+0629 teh marbuta
    "ہ": "ه",  # U+06C1 heh goal (ۂ decomposes to it)
    "ە": "ه",  # U+06D5 ae (ۀ decomposes to it)
    "ٱ": "ا",  # U+0671 alef wasla
    "\u200b": ZWNJ,  # zero-width space, often typed for ZWNJ
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
# What the public search gets from Unicode decomposition, written out for a database:
# letters carrying hamza or madda, and the harakat.
DECOMPOSED = {"أ": "ا", "إ": "ا", "آ": "ا", "ؤ": "و", "ئ": "ی", "ۀ": "ه", "ۂ": "ه"}
HARAKAT = "".join(chr(code) for code in range(0x064B, 0x0660)) + "\u0670"

# The admin's substring match also drops the half-space: "میروم" finds "می‌روم".
SPELLING = {
    **LETTERS,
    **DECOMPOSED,
    **DIGITS,
    **dict.fromkeys(REMOVED + HARAKAT + ZWNJ + "\u200b", ""),
}
_TABLE = str.maketrans(SPELLING)
_LETTERS_TABLE = str.maketrans(LETTERS)

_SLUG_DROPPED = re.compile(rf"[^\w\s{ZWNJ}-]")
_SLUG_JOINS = re.compile(rf"{ZWNJ}*(?:[-\s]+{ZWNJ}*)+")
# A slug: letters, digits, "_" and "-", and half-spaces between letters.
SLUG = re.compile(rf"^[\w-]+(?:{ZWNJ}[\w-]+)*\Z")
validate_slug = RegexValidator(
    SLUG,
    _("Enter a slug of letters, digits, hyphens and half-spaces (between letters)."),
    "invalid",
)


def fold_spelling(text: str) -> str:
    """`text` in one spelling, lower case (see the module's docstring)."""
    return text.translate(_TABLE).lower()


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


# PostgreSQL's translate() maps each character of the first string to the one at the same
# place in the second, and deletes those past its end.
_MAPPED = {key: value for key, value in SPELLING.items() if value}
_TRANSLATE_FROM = "".join(_MAPPED) + "".join(key for key, value in SPELLING.items() if not value)
_TRANSLATE_TO = "".join(str(value) for value in _MAPPED.values())
# The name `fold_spelling` has in SQLite, where each connection registers it (core.apps).
SQLITE_FUNCTION = "nashr_fold_spelling"


def sqlite_fold_spelling(text: str | None) -> str | None:
    """`fold_spelling` as SQLite calls it (NULL stays NULL)."""
    return None if text is None else fold_spelling(str(text))


class Folded(Func):
    """A text column in the spelling `fold_spelling` gives, computed by the database.

    One call on either database (nested REPLACE calls would overflow SQLite's parser):
    PostgreSQL's translate(), or on SQLite `fold_spelling` itself, registered as a
    function of each connection.
    """

    output_field = TextField()

    def __init__(self, field: str) -> None:
        super().__init__(F(field))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"translate(lower({sql}), %s, %s)", (*params, _TRANSLATE_FROM, _TRANSLATE_TO)


def folded(field: str) -> Expression:
    """The database's value of `field` in the spelling `fold_spelling` gives."""
    return Folded(field)
