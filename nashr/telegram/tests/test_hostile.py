"""Hostile titles and bodies: markup shown as typed, never read as markup; long words and
direction overrides break no message."""

from __future__ import annotations

import pytest

from nashr.core.actors import COMMAND
from nashr.telegram.models import Post, PostState
from nashr.telegram.services import channel_link
from nashr.telegram.tests.botapi import units
from nashr.telegram.tests.conftest import FA_CHANNEL

TITLE = (
    '</b><a href="https://evil.example/">x</a> *bold* _it_ [l](https://evil.example) '
    "&amp; \u202eرمز"
)
SUMMARY = "<i>not italic</i> <tg-spoiler>s</tg-spoiler> `code` &lt; & < > \u202dفارسی"
LONG_WORD = "ب" * 5000
BODY = (
    "پاراگراف اول با <script>alert(1)</script> و <b>HTML</b> خام.\n\n"
    f"{LONG_WORD}\n\n"
    "آخرین پاراگراف [پیوند](javascript:alert(1)) و **پررنگ**."
)


@pytest.mark.parametrize("mode", ["summary", "full"])
def test_hostile_text_never_breaks_or_injects(mode, bot_api, make_publication, committed) -> None:
    """Each message is accepted by Telegram's HTML reading; the only links are the page's,
    the title is the only bold text besides the body's own, the overrides are gone, and
    the 5,000-character word is cut into messages within the limit (full text)."""
    channel_link(actor=COMMAND, target="fa", chat=FA_CHANNEL, post_mode=mode)
    publication = committed(make_publication, title=TITLE, summary=SUMMARY, body=BODY)
    assert Post.objects.get().state == PostState.SENT
    messages = bot_api.channel(FA_CHANNEL)
    page = f"http://127.0.0.1:8000{publication.get_absolute_url()}"
    links = [e["url"] for m in messages for e in m.entities if e["type"] == "text_link"]
    assert links == [page]
    first = messages[0]
    assert first.plain.split("\n")[0] == TITLE.replace("\u202e", "")
    assert first.entities[0] == {
        "type": "bold",
        "offset": 0,
        "length": units(first.plain.split("\n")[0]),
    }
    text = "\n".join(m.plain for m in messages)
    assert "\u202e" not in text and "\u202d" not in text
    assert all(units(m.plain) <= 4096 for m in messages)
    kinds = {e["type"] for m in messages for e in m.entities}
    if mode == "summary":
        assert len(messages) == 1
        assert SUMMARY.replace("\u202d", "") in first.plain
        assert kinds == {"bold", "text_link"}
    else:
        assert len(messages) >= 2
        assert "".join(m.plain for m in messages).count("ب") >= 5000
        assert "alert(1)" not in "".join(m.text for m in messages if "<script" in m.text)
        assert kinds <= {"bold", "text_link", "italic"}
