"""`nashr telegram link`, `status [--json]` and `repost`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from nashr.telegram.models import Channel, Post, PostAction
from nashr.telegram.tests.conftest import FA_CHANNEL


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("telegram", *args, stdout=out)
    return out.getvalue()


def test_link_a_language_and_a_series(bot_api, make_series, db) -> None:
    """A language gets summary posts by default, a series its PDF; linking again changes it."""
    series = make_series()
    _run("link", "fa", FA_CHANNEL)
    _run("link", series.slug, "-1001234567890")
    _run("link", "fa", FA_CHANNEL, "--post", "full")
    assert sorted(Channel.objects.values_list("chat", "post_mode")) == [
        ("-1001234567890", "pdf"),
        (FA_CHANNEL, "full"),
    ]
    with pytest.raises(CommandError, match="neither a language"):
        _run("link", "xx", FA_CHANNEL)
    with pytest.raises(CommandError, match="only a bulletin series"):
        _run("link", "en", "@nashr_en", "--post", "pdf")
    with pytest.raises(CommandError, match="is not a channel"):
        _run("link", "en", "nashr en")


def test_status_lists_queues_and_errors(fa_channel, bot_api, make_publication, committed) -> None:
    """The status counts each channel's posts and shows a stopped channel's error."""
    committed(make_publication)
    bot_api.answer_next("sendMessage", 400, description="Bad Request: chat not found")
    committed(make_publication, title="دوم")
    [row] = json.loads(_run("status", "--json"))
    assert (row["channel"], row["sent"], row["queued"], row["stopped"]) == (FA_CHANNEL, 1, 1, True)
    assert row["last_error"] == "Chat not found"
    assert "STOPPED: Chat not found" in _run("status")


def test_repost_posts_again(fa_channel, bot_api, make_publication, committed) -> None:
    """An explicit re-post queues and sends a new message; an unknown id is refused."""
    publication = committed(make_publication)
    committed(call_command, "telegram", "repost", str(publication.pk), stdout=io.StringIO())
    assert len(bot_api.channel(FA_CHANNEL)) == 2
    assert list(Post.objects.values_list("action", flat=True)) == [PostAction.CREATE] * 2
    with pytest.raises(CommandError, match="no publication has the id"):
        _run("repost", "999999")
