"""One line of text: what may go into a mail header, an SMTP command or an address.

A line break in a value that becomes a header starts a header of its own (a Reply-To
sending readers' answers elsewhere), and on the raw SMTP path a line holding only "."
ends the message early and lets the rest be read as commands. So every field that can
reach a header (a series' title and label, the names and addresses mail comes from and
goes to) is checked by its service with `check_one_line`.

Refused: the C0 controls (NUL, tab, CR, LF... U+0000-U+001F), DEL, the C1 controls
(U+0080-U+009F, NEL among them) and the Unicode line and paragraph separators (U+2028,
U+2029). Kept: the bidirectional marks and isolates (RLM U+200F, LRM U+200E, U+2066-U+2069)
and the zero-width (non-)joiners, which Persian titles need and which break no line.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from nashr.core.exceptions import ValidationError

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

CONTROL_MESSAGE = _("contains a control character (%(character)s) at position %(position)d")
CONTROL_HINT = _(
    "write it on one line, without line breaks or other invisible control characters"
    " (direction marks such as RLM are fine)"
)


def control_character(value: str) -> re.Match[str] | None:
    """The first character of `value` that may not be part of one line, or None."""
    return CONTROL.search(value)


def check_one_line(value: str, *, where: str) -> str:
    """`value` if it holds no control character, else a ValidationError naming `where`."""
    found = control_character(value)
    if found is not None:
        raise ValidationError(
            str(CONTROL_MESSAGE)
            % {"character": f"U+{ord(found.group()):04X}", "position": found.start() + 1},
            where=where,
            hint=str(CONTROL_HINT),
        )
    return value
