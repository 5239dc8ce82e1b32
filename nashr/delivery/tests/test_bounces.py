"""`nashr bounces ingest`: delivery status notifications matched to subscribers."""

from __future__ import annotations

import email
import email.policy
import io
import mailbox
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from nashr.delivery.engine import delivery_send
from nashr.delivery.models import Delivery, DeliveryState
from nashr.delivery.services import bounces_ingest
from nashr.subscribers.models import SubscriberStatus

pytestmark = pytest.mark.django_db(transaction=True)


def _dsn(
    recipient: str,
    message_id: str | None,
    *,
    status: str = "5.1.1",
    action: str = "failed",
    to: str = "bulletin@nashr.example",
) -> bytes:
    """A bounce report as a receiving MTA (Postfix) writes it (RFC 3464).

    `message_id` None: the returned headers carry no Message-ID.
    """
    returned_id = f"Message-ID: {message_id}\r\n" if message_id is not None else ""
    return (
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n"
        f"To: {to}\r\n"
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
        f"{returned_id}"
        "Subject: Iran Bulletin NO.47\r\n"
        "\r\n"
        "--B--\r\n"
    ).encode()


def _received_id(smtp_sink: Any, address: str, *, index: int = 0) -> str:
    """The Message-ID of a message the SMTP sink received for `address`."""
    received = smtp_sink.to(address)[index]
    return str(email.message_from_bytes(received.data, policy=email.policy.default)["Message-ID"])


def test_repeated_hard_bounces_stop_the_mail(
    smtp_sink, published_bulletin, publish_issue, make_subscribers, settings, tmp_path
) -> None:
    """Reports read from a Maildir mark deliveries bounced; at the limit the address is bounced."""
    settings.NASHR_BOUNCE_LIMIT = 2
    bouncing, fine = make_subscribers(published_bulletin.series, 2)
    delivery_send(bulletin=published_bulletin, workers=1)
    delivery = Delivery.objects.get(subscriber=bouncing)

    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(_dsn(bouncing.email, _received_id(smtp_sink, bouncing.email)))
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
    message_id = _received_id(smtp_sink, bouncing.email, index=1)
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


def _ingest(source: Path) -> str:
    out = io.StringIO()
    call_command("bounces", "ingest", str(source), stdout=out)
    return out.getvalue()


def test_forged_reports_change_nothing(
    smtp_sink, published_bulletin, make_subscribers, settings, tmp_path
) -> None:
    """Reports that name a reader but no message sent to them leave the reader and rows alone."""
    (reader,) = make_subscribers(published_bulletin.series, 1)
    delivery_send(bulletin=published_bulletin, workers=1)
    box = mailbox.Maildir(tmp_path / "forged", create=True)
    guessed = f"<nashr.{published_bulletin.pk}.{reader.pk}@nashr.example>"
    made_up = "<" + "0123456789abcdef" * 2 + "@nashr.example>"
    for message_id in (None, guessed, made_up):
        box.add(_dsn(reader.email, message_id))
    box.add(_dsn(reader.email, None, to="bounces+" + "ab" * 16 + "@nashr.example"))

    settings.NASHR_BOUNCE_ADDRESS = "bounces@nashr.example"
    output = _ingest(tmp_path / "forged")
    assert "hard bounces recorded: 0" in output
    assert "not matched to a sent message: 4" in output
    reader.refresh_from_db()
    assert (reader.status, reader.hard_bounces) == (SubscriberStatus.CONFIRMED, 0)
    delivery = Delivery.objects.get(subscriber=reader)
    assert (delivery.state, delivery.last_error) == (DeliveryState.SENT, "")


def test_message_ids_and_return_paths_carry_no_ids(
    smtp_sink, published_bulletin, make_subscribers, settings
) -> None:
    """Message-IDs and per-reader return paths are random-looking tokens, one per message."""
    settings.NASHR_BOUNCE_ADDRESS = "bounces@nashr.example"
    readers = make_subscribers(published_bulletin.series, 3)
    delivery_send(bulletin=published_bulletin, workers=1)
    tokens = set()
    for reader in readers:
        (received,) = smtp_sink.to(reader.email)
        message_id = _received_id(smtp_sink, reader.email)
        token = re.fullmatch(r"<([0-9a-f]{32})@nashr\.example>", message_id)
        assert token is not None, message_id
        assert received.mail_from == f"bounces+{token.group(1)}@nashr.example"
        assert Delivery.objects.get(subscriber=reader).message_id == message_id
        tokens.add(token.group(1))
    assert len(tokens) == 3


def test_a_return_path_report_counts(
    smtp_sink, published_bulletin, make_subscribers, settings
) -> None:
    """A report sent back to a message's own return path counts, even with no Message-ID."""
    settings.NASHR_BOUNCE_ADDRESS = "bounces@nashr.example"
    reader, other = make_subscribers(published_bulletin.series, 2)
    delivery_send(bulletin=published_bulletin, workers=1)
    (received,) = smtp_sink.to(reader.email)
    report = bounces_ingest(source=_dsn(reader.email, None, to=received.mail_from))
    assert (report.hard, report.unmatched) == (1, [])
    assert Delivery.objects.get(subscriber=reader).state == DeliveryState.BOUNCED
    reader.refresh_from_db()
    assert reader.hard_bounces == 1
    # The reader's return path does not make a report about someone else count.
    report = bounces_ingest(source=_dsn(other.email, None, to=received.mail_from))
    assert report.hard == 0
    other.refresh_from_db()
    assert other.hard_bounces == 0
    assert Delivery.objects.get(subscriber=other).state == DeliveryState.SENT


def _nested(depth: int) -> bytes:
    """A message of `depth` multiparts, each inside the last."""
    opening = "".join(
        f"Content-Type: multipart/mixed; boundary={level}\r\n\r\n--{level}\r\n"
        for level in range(depth)
    )
    closing = "".join(f"--{level}--\r\n" for level in reversed(range(depth)))
    return f"From: x@example.org\r\n{opening}\r\nx\r\n{closing}".encode()


def test_a_malformed_or_oversize_message_does_not_stop_the_others(
    smtp_sink, published_bulletin, make_subscribers, settings, tmp_path
) -> None:
    """A message nested 1,200 deep and one over the size limit are reported; the next counts."""
    settings.NASHR_BOUNCE_MAX_BYTES = 100_000
    first, second = make_subscribers(published_bulletin.series, 2)
    delivery_send(bulletin=published_bulletin, workers=1)
    deep = _nested(1200)
    assert 40_000 < len(deep) < settings.NASHR_BOUNCE_MAX_BYTES
    big = _dsn(second.email, _received_id(smtp_sink, second.email)) + b"x" * 100_000
    box = tmp_path / "bounces"
    for folder in ("cur", "new", "tmp"):
        (box / folder).mkdir(parents=True)
    # Maildir entries are read in name order.
    (box / "new" / "1.deep").write_bytes(deep)
    (box / "new" / "2.genuine").write_bytes(_dsn(first.email, _received_id(smtp_sink, first.email)))
    (box / "new" / "3.big").write_bytes(big)

    output = _ingest(box)
    assert "hard bounces recorded: 1" in output
    assert "messages not read: 2" in output
    assert re.search(r"new/1\.deep: .*nested", output), output
    assert re.search(r"new/3\.big: .*NASHR_BOUNCE_MAX_BYTES", output), output
    assert Delivery.objects.get(subscriber=first).state == DeliveryState.BOUNCED
    assert Delivery.objects.get(subscriber=second).state == DeliveryState.SENT
