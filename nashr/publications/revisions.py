"""A readable difference between two texts, word by word.

Words are compared, not characters (a changed Persian word is shown whole, its joined
letters intact) and not lines (a paragraph is one line of Markdown). Spaces and
punctuation are tokens of their own, so a changed comma does not mark its word.
The result is HTML: removed words in <del>, added ones in <ins>; the caller sets the
text's language and direction on the element around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from nashr.publications.models import Revision

# A word (letters, digits, the zero-width non-joiner inside Persian words), a run of
# spaces, or one other character.
_TOKEN = re.compile(r"[\w\u200c]+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class FieldDiff:
    field: str
    html: SafeString
    changed: bool


def word_diff(old: str, new: str) -> SafeString:
    """`new` with what `old` had and `new` lacks in <del>, what it adds in <ins>."""
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    parts: list[str] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if op == "replace":
            # Apart, or a browser joins the last letter of the removed Persian word to the
            # first of the added one, and both read as one word.
            parts.append(" ")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # every piece of text is escaped above


def revisions_diff(old: Revision, new: Revision) -> list[FieldDiff]:
    """The title, summary and body of two revisions compared."""
    return [
        FieldDiff(
            field=field,
            html=word_diff(getattr(old, field), getattr(new, field)),
            changed=getattr(old, field) != getattr(new, field),
        )
        for field in ("title", "summary", "body")
    ]
