"""Full text: split at paragraph boundaries within Telegram's limit; an edit that changes the
number of parts edits, adds and deletes messages to match."""

from __future__ import annotations

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.telegram.services import channel_link
from nashr.telegram.tests.botapi import units
from nashr.telegram.tests.conftest import FA_CHANNEL

PARAGRAPHS = [f"بند {n}: " + "واژه‌ها " * 55 for n in range(30)]  # ~ 400 characters each


def test_full_text_is_split_at_paragraphs_and_follows_edits(
    bot_api, make_publication, committed
) -> None:
    """30 paragraphs of about 400 characters make several messages, each within 4096 and
    none cutting a paragraph; shortened, the first message is edited and the rest deleted;
    lengthened again, the first is edited and new ones follow."""
    channel_link(actor=COMMAND, target="fa", chat=FA_CHANNEL, post_mode="full")
    publication = committed(make_publication, body="\n\n".join(PARAGRAPHS))
    messages = bot_api.channel(FA_CHANNEL)
    assert len(messages) >= 3
    assert all(units(m.plain) <= 4096 for m in messages)
    for paragraph in PARAGRAPHS:
        holding = [m for m in messages if paragraph.strip() in m.plain]
        assert len(holding) == 1, paragraph[:10]
    assert messages[-1].entities[-1]["type"] == "text_link"  # the link ends the last part
    first_id = messages[0].message_id

    committed(services.publication_update, actor=COMMAND, publication=publication, body="کوتاه.")
    [short] = bot_api.channel(FA_CHANNEL)
    assert short.message_id == first_id and "کوتاه." in short.plain
    assert len(bot_api.calls("deleteMessage")) == len(messages) - 1

    committed(
        services.publication_update,
        actor=COMMAND,
        publication=publication,
        body="\n\n".join(PARAGRAPHS),
    )
    again = bot_api.channel(FA_CHANNEL)
    assert len(again) == len(messages)
    assert again[0].message_id == first_id
    assert "\n".join(m.plain for m in again) == "\n".join(m.plain for m in messages)
