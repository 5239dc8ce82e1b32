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


def test_links_moved_to_the_mirror_edit_the_caption_and_the_messages(
    series_channel, fa_channel, bot_api, publish_issue, make_publication, committed, settings
) -> None:
    """Linked again with links to the mirror (the site blocked), the channels' posts are
    edited: the issue's caption in place (editMessageCaption, the same PDF), the
    publication's text in place (editMessageText)."""
    settings.NASHR_MIRROR_BASE_URL = "https://mirror.example"
    bulletin = committed(publish_issue, series_channel.series)
    committed(make_publication)
    [issue] = bot_api.channel(SERIES_CHANNEL)
    [text] = bot_api.channel("@nashr_fa")
    pdf = issue.document
    committed(
        channel_link, actor=COMMAND, target="iran-bulletin", chat=SERIES_CHANNEL, link_base="mirror"
    )
    committed(channel_link, actor=COMMAND, target="fa", chat="@nashr_fa", link_base="mirror")
    [issue_after] = bot_api.channel(SERIES_CHANNEL)
    [text_after] = bot_api.channel("@nashr_fa")
    assert (issue_after.message_id, issue_after.document) == (issue.message_id, pdf)
    assert text_after.message_id == text.message_id
    assert len(bot_api.calls("editMessageCaption")) == 1
    assert len(bot_api.calls("editMessageText")) == 1
    assert bot_api.calls("sendDocument")[1:] == []
    [link] = [e["url"] for e in issue_after.entities if e["type"] == "text_link"]
    assert link == f"https://mirror.example{bulletin.get_absolute_url()}"
    [link] = [e["url"] for e in text_after.entities if e["type"] == "text_link"]
    assert link.startswith("https://mirror.example/fa/p/")
