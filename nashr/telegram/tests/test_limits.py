"""Telegram's limits and refusals: 429 waits, 5xx retries, a lost channel stops with its
queue kept; 200 publications at once arrive in order, each once, paced."""

from __future__ import annotations

from django.db import transaction

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Status
from nashr.telegram.models import Channel, Post, PostState
from nashr.telegram.services import channel_start
from nashr.telegram.tests.conftest import FA_CHANNEL


def test_429_waits_retry_after_and_5xx_is_tried_again(
    fa_channel, bot_api, make_publication, committed
) -> None:
    """A 429 answer is waited out for its retry_after before the same message goes again; a
    502 and a 500 are tried again with backoff; the message arrives once."""
    bot_api.answer_next(
        "sendMessage",
        429,
        description="Too Many Requests: retry after 1",
        parameters={"retry_after": 1},
    )
    bot_api.answer_next("sendMessage", 502, description="Bad Gateway")
    bot_api.answer_next("sendMessage", 500, description="Internal Server Error")
    committed(make_publication)
    calls = bot_api.calls("sendMessage")
    assert len(calls) == 4
    assert calls[1].at - calls[0].at >= 1.0  # retry_after was respected
    assert len(bot_api.channel(FA_CHANNEL)) == 1
    post = Post.objects.get()
    assert (post.state, post.attempts) == (PostState.SENT, 3)  # the 429 was no attempt


def test_chat_not_found_stops_the_channel_and_keeps_its_queue(
    fa_channel, bot_api, make_publication, committed
) -> None:
    """ "chat not found" stops the channel with Telegram's words; later publications wait in
    its queue, and starting it again posts them all, in order."""
    bot_api.answer_next("sendMessage", 400, description="Bad Request: chat not found")
    first = committed(make_publication, title="یکم")
    committed(make_publication, title="دوم")
    channel = Channel.objects.get()
    assert channel.stopped
    assert channel.last_error == "Chat not found"  # Telegram's words, as the library gives them
    assert list(Post.objects.values_list("state", flat=True)) == [PostState.QUEUED] * 2
    assert bot_api.channel(FA_CHANNEL) == []
    committed(channel_start, actor=COMMAND, channel=channel)
    assert [m.plain.split("\n")[0] for m in bot_api.channel(FA_CHANNEL)] == ["یکم", "دوم"]
    assert Post.objects.get(publication_id=first.pk).state == PostState.SENT


def test_a_bot_removed_from_the_channel_stops_it(
    fa_channel, bot_api, make_publication, committed
) -> None:
    """403 "bot was kicked" stops the channel too."""
    bot_api.removed.add(bot_api.chats[FA_CHANNEL])
    committed(make_publication)
    channel = Channel.objects.get()
    assert channel.stopped and "kicked" in channel.last_error
    assert Post.objects.get().state == PostState.QUEUED


def test_200_publications_at_once_arrive_in_order_each_once_and_paced(
    fa_channel, bot_api, make_publication, committed, settings
) -> None:
    """200 publications published in one transaction reach the channel in the order they
    were published, each once, paced by the interval between requests."""
    settings.NASHR_TELEGRAM_INTERVAL = 0.01
    drafts = [make_publication(title=f"بیانیه {n}", status=Status.DRAFT) for n in range(200)]

    def publish_all() -> None:
        with transaction.atomic():
            for draft in drafts:
                services.publication_publish(actor=COMMAND, publication=draft)

    committed(publish_all)
    titles = [m.plain.split("\n")[0] for m in bot_api.channel(FA_CHANNEL)]
    assert titles == [f"بیانیه {n}" for n in range(200)]
    calls = bot_api.calls("sendMessage")
    assert len(calls) == 200
    # Each request leaves at least the interval after the one before (the server's clock
    # sees the sum of those gaps; one gap alone may look shorter by the network's jitter).
    assert calls[-1].at - calls[0].at >= 199 * 0.01 - 0.05
