"""The admin: the test message says Telegram's own refusal in the editor's language; the
publication's page says where it was posted."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import User

from nashr.audit.models import AuditEntry
from nashr.telegram.models import Channel
from nashr.telegram.tests.conftest import FA_CHANNEL


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "a long pass 42"))
    return client


def _test_message(client, channel):
    response = client.post(
        "/fa/admin/telegram/channel/",
        {"action": "send_test_message", "_selected_action": [channel.pk]},
        follow=True,
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_test_message_is_posted_or_refused_in_the_editors_language(
    admin_client, fa_channel, bot_api
) -> None:
    """A good channel gets the test message; an unknown one shows Telegram's "chat not
    found" inside a Persian explanation of what to do."""
    page = _test_message(admin_client, fa_channel)
    assert "پیام آزمایشی در @nashr_fa فرستاده شد" in page
    [message] = bot_api.channel(FA_CHANNEL)
    assert message.plain.startswith("پیام آزمایشی نشر")
    Channel.objects.filter(pk=fa_channel.pk).update(chat="@nowhere_here")
    page = _test_message(admin_client, fa_channel)
    assert "تلگرام کانال @nowhere_here را نپذیرفت: «Chat not found»" in page
    assert "ربات را با اجازه‌ی فرستادن پیام مدیر کانال کنید" in page


def test_wrong_token_is_said_in_persian(admin_client, fa_channel, bot_api, settings) -> None:
    """A token Telegram rejects is named as the problem, without showing the token."""
    settings.NASHR_TELEGRAM_BOT_TOKEN = "111:wrongwrongwrongwrong"
    page = _test_message(admin_client, fa_channel)
    assert "Unauthorized: the bot's token was rejected" in page
    assert "wrongwrongwrongwrong" not in page


def test_publication_page_shows_where_it_was_posted(
    admin_client, fa_channel, bot_api, make_publication, committed
) -> None:
    """The change page lists the channel, the time and a link to the message."""
    publication = committed(make_publication)
    [message] = bot_api.channel(FA_CHANNEL)
    page = admin_client.get(f"/fa/admin/publications/publication/{publication.pk}/change/")
    text = page.content.decode()
    assert f'href="https://t.me/nashr_fa/{message.message_id}"' in text
    assert "ارسال‌شده" in text  # the state, in Persian


def test_publication_page_says_why_not(
    admin_client, fa_channel, bot_api, make_publication, committed
) -> None:
    """A stopped channel is named with Telegram's error on the publication's page."""
    bot_api.answer_next("sendMessage", 400, description="Bad Request: chat not found")
    publication = committed(make_publication)
    page = html.unescape(
        admin_client.get(
            f"/fa/admin/publications/publication/{publication.pk}/change/"
        ).content.decode()
    )
    assert "Chat not found" in page
    assert "@nashr_fa" in page


def test_channels_are_linked_in_the_admin_through_the_service(admin_client, bot_api) -> None:
    """The add form links a language (audited like the command); neither a language nor a
    series is refused, in Persian; a malformed channel name is refused with its hint."""
    url = "/fa/admin/telegram/channel/add/"
    fields = {"post_mode": "summary", "link_base": "mirror"}
    page = admin_client.post(url, {**fields, "language": "", "chat": "@nashr_x"})
    assert "یک زبان یا یک مجموعه‌ی خبرنامه را برگزینید" in html.unescape(page.content.decode())
    page = admin_client.post(url, {**fields, "language": "fa", "chat": "not a channel"})
    assert "is not a channel" in html.unescape(page.content.decode())
    admin_client.post(url, {**fields, "language": "fa", "chat": "@nashr_x"})
    channel = Channel.objects.get()
    assert (channel.language, channel.chat, channel.link_base) == ("fa", "@nashr_x", "mirror")
    assert AuditEntry.objects.filter(action="telegram.link", actor_name="root").exists()
