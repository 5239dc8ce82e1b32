"""A reader who has only the mirror (file://) and mail subscribes, confirms and leaves by mail."""

from __future__ import annotations

import email
import email.policy
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.utils import translation

from nashr.delivery.engine import delivery_send
from nashr.mirror.build import mirror_build
from nashr.subscribers.models import Subscriber, SubscriberStatus, SubscriptionStatus
from nashr.subscribers.tests.conftest import LIST_ADDRESS, ListMailServer

# Mail leaves after commit, and the sender's workers read committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

READER = "reader@example.org"


def _ingest(server: ListMailServer) -> str:
    out = io.StringIO()
    call_command("subscribers", "mail-ingest", str(server.maildir), stdout=out)
    return out.getvalue()


def _mailto(href: str) -> tuple[str, str]:
    """(address, subject) of a mailto: link."""
    parts = urlsplit(href)
    assert parts.scheme == "mailto", href
    return parts.path, parse_qs(parts.query)["subject"][0]


def _received(sink: Any, address: str) -> list[Any]:
    return [email.message_from_bytes(m.data, policy=email.policy.default) for m in sink.to(address)]


def test_subscribe_confirm_receive_and_leave_by_mail(
    settings: Any,
    tmp_path: Path,
    kinds: Any,
    list_mail: ListMailServer,
    smtp_sink: Any,
    make_series: Any,
    publish_issue: Any,
    chromium: Any,
) -> None:
    """From the mirror's mailto: link to the issue's List-Unsubscribe mailto:, by mail alone;
    a reply from another sender and a replayed reply confirm nothing."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "nashr.example"]
    assert settings.NASHR_MIRROR_FORMS == "primary"  # the default forms mode
    series = make_series(slug="iran-fa", title="خبرنامه ایران", language="fa", label="")
    outdir = tmp_path / "mirror"
    mirror_build(outdir=outdir)

    # The reader opens the mirror from disk and takes the subscribe box's mailto: link.
    context = chromium.new_context(locale="fa-IR")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((outdir / "index.html").as_uri())
    page.wait_for_url(re.compile(r"/fa/index\.html$"))
    link = page.locator(".subscribe-by-mail a[href^='mailto:']", has_text="خبرنامه ایران")
    address, subject = _mailto(link.get_attribute("href") or "")
    assert [url for url in requests if not url.startswith(("file://", "data:"))] == []
    context.close()
    assert address == LIST_ADDRESS
    assert subject == "subscribe iran-fa"

    # Their mail program sends it; Nashr reads the list's Maildir and mails a token.
    list_mail.write(sender=READER, subject=subject)
    assert "confirmation mails sent: 1" in _ingest(list_mail)
    subscriber = Subscriber.objects.get(email=READER)
    assert subscriber.status == SubscriberStatus.PENDING
    (confirmation,) = _received(smtp_sink, READER)
    with translation.override("fa"):
        persian = translation.gettext("Confirm your subscription")
        asked = translation.gettext(
            "Someone, probably you, wrote to us to receive this bulletin at this address:"
        )
    assert persian != "Confirm your subscription" and persian in confirmation["Subject"]
    assert asked in confirmation.get_content()  # in the reader's (the series') language
    assert confirmation["Reply-To"] == LIST_ADDRESS
    assert "https://" not in confirmation.get_content()  # nothing points at the blocked site
    reply_subject = f"Re: {confirmation['Subject']}"

    # Another sender who copies the subject confirms nothing.
    list_mail.write(sender="someone-else@example.net", subject=reply_subject)
    assert "another address" in _ingest(list_mail)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING

    # The reader's reply confirms; a copy of that very reply, replayed, is refused.
    list_mail.write(sender=READER, subject=reply_subject, body="> quoted confirmation")
    replay = sorted((list_mail.maildir / "new").iterdir())[0].read_bytes()
    assert "subscriptions confirmed: 1" in _ingest(list_mail)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.subscriptions.get().status == SubscriptionStatus.CONFIRMED
    list_mail.send(replay, sender=READER)
    assert "used already" in _ingest(list_mail)

    # The issue arrives; its List-Unsubscribe offers the link and a mailto: with a token.
    bulletin = publish_issue(series)
    summary = delivery_send(bulletin=bulletin, workers=1)
    assert summary.sent == 1
    issue = next(m for m in _received(smtp_sink, READER) if m["List-Id"])
    header = " ".join(str(issue["List-Unsubscribe"]).split())
    assert re.search(r"<https://nashr\.example/fa/[^>]+>", header), header
    mailto = re.search(r"<(mailto:[^>]+)>", header)
    assert mailto, header
    address, subject = _mailto(mailto.group(1))
    assert address == LIST_ADDRESS and subject.startswith("unsubscribe ")

    # A mail to it (a mail program's "unsubscribe" button) takes the reader off the list.
    list_mail.write(sender=READER, subject=subject)
    assert "unsubscribed: 1" in _ingest(list_mail)
    assert subscriber.subscriptions.get().status == SubscriptionStatus.UNSUBSCRIBED

    # The old reply, replayed once more, does not put them back.
    list_mail.send(replay, sender=READER)
    assert "used already" in _ingest(list_mail)
    assert subscriber.subscriptions.get().status == SubscriptionStatus.UNSUBSCRIBED
