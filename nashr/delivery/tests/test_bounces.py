"""`nashr bounces ingest`: delivery status notifications matched to subscribers."""

from __future__ import annotations

import io
import mailbox
import sys

import pytest
from django.core.management import call_command

from nashr.delivery.engine import delivery_send
from nashr.delivery.models import Delivery, DeliveryState
from nashr.subscribers.models import SubscriberStatus

pytestmark = pytest.mark.django_db(transaction=True)


def _dsn(
    recipient: str, message_id: str, *, status: str = "5.1.1", action: str = "failed"
) -> bytes:
    """A bounce report as a receiving MTA (Postfix) writes it (RFC 3464)."""
    return (
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n"
        "To: bulletin@nashr.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce.1@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n"
        "--B\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n"
        "\r\n"
        "--B\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Original-Recipient: rfc822; {recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        "\r\n"
        "--B\r\n"
        "Content-Type: text/rfc822-headers\r\n"
        "\r\n"
        "From: Iran Bulletin <bulletin@nashr.example>\r\n"
        f"To: {recipient}\r\n"
        f"Message-ID: {message_id}\r\n"
        "Subject: Iran Bulletin NO.47\r\n"
        "\r\n"
        "--B--\r\n"
    ).encode()


def test_repeated_hard_bounces_stop_the_mail(
    smtp_sink, published_bulletin, publish_issue, make_subscribers, settings, tmp_path
) -> None:
    """Reports read from a Maildir mark deliveries bounced; at the limit the address is bounced."""
    settings.NASHR_BOUNCE_LIMIT = 2
    bouncing, fine = make_subscribers(published_bulletin.series, 2)
    delivery_send(bulletin=published_bulletin, workers=1)
    delivery = Delivery.objects.get(subscriber=bouncing)

    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(_dsn(bouncing.email, delivery.message_id))
    box.add(_dsn(fine.email, "<elsewhere@example.org>", status="4.2.2", action="delayed"))
    out = io.StringIO()
    call_command("bounces", "ingest", str(tmp_path / "bounces"), stdout=out)
    assert "hard bounces recorded: 1" in out.getvalue()
    delivery.refresh_from_db()
    bouncing.refresh_from_db()
    assert delivery.state == DeliveryState.BOUNCED
    assert (bouncing.hard_bounces, bouncing.status) == (1, SubscriberStatus.CONFIRMED)

    # The same Maildir read again counts nothing twice.
    call_command("bounces", "ingest", str(tmp_path / "bounces"), stdout=io.StringIO())
    bouncing.refresh_from_db()
    assert bouncing.hard_bounces == 1
    fine.refresh_from_db()
    assert fine.hard_bounces == 0  # a delay is not a hard bounce

    # A second issue bounces too (report on standard input): the address is now bounced.
    second = publish_issue(published_bulletin.series, month=12)
    delivery_send(bulletin=second, workers=1)
    message_id = Delivery.objects.get(bulletin=second, subscriber=bouncing).message_id
    stdin = io.TextIOWrapper(io.BytesIO(_dsn(bouncing.email, message_id)))
    original, sys.stdin = sys.stdin, stdin
    try:
        out = io.StringIO()
        call_command("bounces", "ingest", stdout=out)
    finally:
        sys.stdin = original
    assert f"addresses now marked bounced: 1\n  {bouncing.email}" in out.getvalue()
    bouncing.refresh_from_db()
    assert bouncing.status == SubscriberStatus.BOUNCED

    third = publish_issue(published_bulletin.series, year=2024, month=1)
    delivery_send(bulletin=third, workers=1)
    assert len(smtp_sink.to(bouncing.email)) == 2  # issues 47 and 48, not 49
    assert len(smtp_sink.to(fine.email)) == 3


def test_not_a_maildir_is_explained(db, tmp_path) -> None:
    """A path that is not a Maildir is refused with what to do."""
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not a Maildir"):
        call_command("bounces", "ingest", str(tmp_path))
