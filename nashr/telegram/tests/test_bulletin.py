"""A published issue is posted as its PDF (the file readers download); a correction
replaces it."""

from __future__ import annotations

import pytest

from nashr.bulletins.services import bulletin_correct
from nashr.core.actors import COMMAND
from nashr.telegram.services import channel_link

SERIES_CHANNEL = "@iran_bulletin"


@pytest.fixture
def series_channel(bot_api, make_series):
    bot_api.add_channel(SERIES_CHANNEL, -1001000000002)
    series = make_series()
    return channel_link(actor=COMMAND, target=series.slug, chat=SERIES_CHANNEL)


def test_issue_is_posted_as_the_sites_pdf_and_a_correction_replaces_it(
    series_channel, bot_api, publish_issue, committed, client
) -> None:
    """The document is the very file /…/47/bulletin.pdf serves, with a caption that links the
    issue; a corrected edition posts the new PDF and deletes the old message."""
    bulletin = committed(publish_issue, series_channel.series)
    [message] = bot_api.channel(SERIES_CHANNEL)
    site_pdf = client.get(bulletin.get_pdf_url())
    assert site_pdf.status_code == 200
    assert message.document == site_pdf.content
    assert message.filename == "iran-bulletin-47.pdf"
    assert message.plain.startswith("Iran Bulletin — No. 47 — November 2023\n")
    assert "“Woman, Life, Freedom”" in message.plain
    [link] = [e for e in message.entities if e["type"] == "text_link"]
    assert link["url"].endswith(bulletin.get_absolute_url())
    committed(bulletin_correct, actor=COMMAND, bulletin=bulletin, note="A date fixed.")
    [corrected] = bot_api.channel(SERIES_CHANNEL)
    assert corrected.message_id != message.message_id
    assert "Corrected edition" in corrected.plain
    assert corrected.document == client.get(bulletin.get_pdf_url()).content
    assert corrected.document != message.document
    assert [r.params["message_id"] for r in bot_api.calls("deleteMessage")] == [
        str(message.message_id)
    ]
