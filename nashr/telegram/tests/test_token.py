"""The bot's token appears in no log, page, audit entry or backup."""

from __future__ import annotations

import gzip
import io
import logging
import sys
import tarfile

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.views.debug import technical_500_response

from nashr.audit.models import AuditEntry
from nashr.backups.services import backup_create
from nashr.core.actors import COMMAND
from nashr.telegram.models import Channel
from nashr.telegram.tests.conftest import FA_CHANNEL, TOKEN

SECRET = TOKEN.partition(":")[2]


def _archive_bytes(path) -> bytes:
    """Every member of a backup archive, uncompressed, one after the other."""
    data = io.BytesIO()
    with tarfile.open(path) as archive:
        for member in archive.getmembers():
            extracted = archive.extractfile(member)
            if extracted is not None:
                content = extracted.read()
                if content[:2] == b"\x1f\x8b":
                    content = gzip.decompress(content)
                data.write(content)
    return data.getvalue()


@pytest.mark.django_db(transaction=True)  # a backup runs in a transaction of its own
def test_token_is_in_no_log_page_audit_entry_or_backup(
    fa_channel, bot_api, make_publication, committed, client, caplog, settings, tmp_path
) -> None:
    """Posting, a refused token (whose error the library writes with the token in it), a
    network failure, the admin's pages and a backup: the token is found nowhere."""
    caplog.set_level(logging.DEBUG)
    publication = committed(make_publication)
    assert len(bot_api.channel(FA_CHANNEL)) == 1
    bot_api.token = "987:another"  # the server now refuses the token: 401 on getMe
    committed(make_publication, title="دوم")
    channel = Channel.objects.get()
    assert channel.stopped and "token was rejected" in channel.last_error
    client.force_login(User.objects.create_superuser("root", "r@example.org", "a long pass 42"))
    pages = [
        client.post(
            "/fa/admin/telegram/channel/",
            {"action": "send_test_message", "_selected_action": [channel.pk]},
            follow=True,
        ),
        client.get("/fa/admin/telegram/channel/"),
        client.get(f"/fa/admin/telegram/channel/{channel.pk}/change/"),
        client.get("/fa/admin/telegram/post/"),
        client.get(f"/fa/admin/publications/publication/{publication.pk}/change/"),
        client.get("/fa/admin/audit/auditentry/"),
    ]
    settings.NASHR_TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens: a network error
    pages.append(
        client.post(
            "/fa/admin/telegram/channel/",
            {"action": "send_test_message", "_selected_action": [channel.pk]},
            follow=True,
        )
    )
    assert [page.status_code for page in pages] == [200] * len(pages)
    assert "getMe" in caplog.text or bot_api.calls("getMe")
    texts = [page.content.decode() for page in pages]
    assert "token was rejected" in texts[0]
    audit = [
        f"{entry.actor_name} {entry.action} {entry.target_label} {entry.changes}"
        for entry in AuditEntry.objects.all()
    ]
    assert any("telegram.link" in line for line in audit)
    backup = tmp_path / "site.tar.gz"
    backup_create(actor=COMMAND, path=backup, unencrypted=True)
    archive = _archive_bytes(backup)
    assert b"telegram_channel" in archive or FA_CHANNEL.encode() in archive
    for secret in (TOKEN, SECRET):
        assert secret not in caplog.text
        assert not any(secret in text for text in texts)
        assert not any(secret in line for line in audit)
        assert secret.encode() not in archive


def test_token_is_not_on_the_debug_error_page(bot_api, settings) -> None:
    """Even Django's debugging error page (DEBUG on), which lists the settings, hides it."""
    request = RequestFactory().get("/fa/")
    try:
        raise RuntimeError("an error while posting")
    except RuntimeError:
        page = technical_500_response(request, *sys.exc_info()).content.decode()
    assert "NASHR_TELEGRAM_BOT_TOKEN" in page
    assert TOKEN not in page and SECRET not in page
