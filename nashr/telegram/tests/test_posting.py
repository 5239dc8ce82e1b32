"""Publish, edit, unpublish and delete: the channel follows, once each."""

from __future__ import annotations

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Status
from nashr.telegram.models import Post, PostAction, PostState
from nashr.telegram.tests.conftest import FA_CHANNEL


def test_publish_posts_one_message_with_persian_text_and_the_link(
    fa_channel, bot_api, make_publication, committed
) -> None:
    """A published Persian statement is one message: its title in bold (ZWNJ kept), the
    Jalali date in Persian digits, the summary, and a link to its page."""
    title = "نامه‌ای به زندانیان <آزادی> & «امید»"
    publication = committed(
        make_publication, title=title, summary="خلاصهٔ بیانیه‌ها", status=Status.DRAFT
    )
    assert bot_api.calls("sendMessage") == []
    committed(services.publication_publish, actor=COMMAND, publication=publication)
    [message] = bot_api.channel(FA_CHANNEL)
    assert message.plain.splitlines()[0] == title
    assert "\u200c" in message.plain
    assert "۹ آبان ۱۴۰۲" in message.plain
    assert "خلاصهٔ بیانیه‌ها" in message.plain
    bold = [e for e in message.entities if e["type"] == "bold"]
    assert bold == [{"type": "bold", "offset": 0, "length": len(title.encode("utf-16-le")) // 2}]
    [link] = [e for e in message.entities if e["type"] == "text_link"]
    assert link["url"] == f"http://127.0.0.1:8000{publication.get_absolute_url()}"
    post = Post.objects.get()
    assert (post.state, post.message_ids) == (PostState.SENT, [message.message_id])
    committed(services.publication_update, actor=COMMAND, publication=publication, signatory=None)
    assert len(bot_api.calls("sendMessage")) == 1  # nothing the channel shows changed


def test_edit_edits_and_unpublish_deletes(fa_channel, bot_api, make_publication, committed) -> None:
    """An edit of the title edits the message in place; unpublishing deletes it; publishing
    again posts it anew."""
    publication = committed(make_publication)
    [first] = bot_api.channel(FA_CHANNEL)
    committed(
        services.publication_update, actor=COMMAND, publication=publication, title="عنوان تازه"
    )
    [edited] = bot_api.channel(FA_CHANNEL)
    assert edited.message_id == first.message_id
    assert edited.plain.startswith("عنوان تازه\n")
    assert len(bot_api.calls("editMessageText")) == 1
    committed(services.publication_unpublish, actor=COMMAND, publication=publication)
    assert bot_api.channel(FA_CHANNEL) == []
    [deleted] = bot_api.calls("deleteMessage")
    assert deleted.params["message_id"] == str(first.message_id)
    committed(services.publication_publish, actor=COMMAND, publication=publication)
    [again] = bot_api.channel(FA_CHANNEL)
    assert again.message_id != first.message_id
    actions = list(Post.objects.order_by("id").values_list("action", "state"))
    assert actions == [
        (PostAction.CREATE, PostState.SENT),
        (PostAction.EDIT, PostState.SENT),
        (PostAction.DELETE, PostState.SENT),
        (PostAction.CREATE, PostState.SENT),
    ]


def test_deleting_a_publication_deletes_its_message(
    fa_channel, bot_api, make_publication, committed
) -> None:
    """A deleted publication's message goes too, though the publication is gone."""
    publication = committed(make_publication)
    committed(services.publication_delete, actor=COMMAND, publication=publication)
    assert bot_api.channel(FA_CHANNEL) == []
    assert len(bot_api.calls("deleteMessage")) == 1


def test_other_languages_and_drafts_are_not_posted(
    fa_channel, bot_api, make_publication, committed
) -> None:
    """An English publication (no English channel) and a draft post nothing."""
    committed(make_publication, language="en", title="A statement")
    committed(make_publication, status=Status.DRAFT)
    assert bot_api.calls("sendMessage") == []
    assert not Post.objects.exists()


def test_links_point_at_the_mirror_when_asked(bot_api, make_publication, committed, settings):
    """A channel whose links point at the mirror links the page's file there."""
    from nashr.telegram.services import channel_link

    settings.NASHR_MIRROR_BASE_URL = "https://mirror.example/nashr"
    channel_link(actor=COMMAND, target="fa", chat=FA_CHANNEL, link_base="mirror")
    publication = committed(make_publication)
    [message] = bot_api.channel(FA_CHANNEL)
    [link] = [e["url"] for e in message.entities if e["type"] == "text_link"]
    assert link == f"https://mirror.example/nashr{publication.get_absolute_url()}"
