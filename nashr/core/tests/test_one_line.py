"""The one-line rule for text that reaches a mail header or an SMTP command."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from nashr.core.exceptions import ValidationError
from nashr.core.one_line import check_one_line


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    # The messages are translated; these tests read the English ones.
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "character", ["\r", "\n", "\x00", "\t", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029"]
)
def test_control_characters_are_refused(character: str) -> None:
    """CR, LF, NUL and every other C0 or C1 control, DEL and U+2028/U+2029 are refused."""
    with pytest.raises(ValidationError) as refused:
        check_one_line(f"Iran{character}Bulletin", where="title")
    assert refused.value.where == "title"
    assert f"U+{ord(character):04X}" in refused.value.message
    assert "position 5" in refused.value.message


def test_persian_text_with_its_marks_is_kept() -> None:
    """RLM, LRM, the bidi isolates and the zero-width (non-)joiners are part of the text."""
    title = "\u200fخبرنامه\u200cها \u2067IRAN\u2069 \u200e(ایران)\u200d"
    assert check_one_line(title, where="title") == title
