"""Sending an issue through a real SMTP server on loopback."""

from __future__ import annotations

import email
import email.policy
import io
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from nashr.delivery.engine import delivery_send
from nashr.delivery.models import Delivery, DeliveryState
from nashr.subscribers.models import Subscriber, SubscriberStatus, SubscriptionStatus

# Workers are threads with their own database connections: they must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def _parse(data: bytes) -> Any:
    """The message as a mail program reads it (email.message.EmailMessage)."""
    return email.message_from_bytes(data, policy=email.policy.default)


def _search(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, (pattern, text)
    return match.group(1) if match.groups() else match.group(0)


def _site_path(url: str) -> str:
    assert url.startswith("https://nashr.example/"), url
    return url.removeprefix("https://nashr.example")


def test_every_confirmed_subscriber_gets_one_message(
    smtp_sink, published_bulletin, make_subscribers
) -> None:
    """Confirmed readers get the issue once; pending ones get nothing; a rerun sends nothing."""
    series = published_bulletin.series
    confirmed = make_subscribers(series, 30)
    pending = make_subscribers(series, 3, status="pending", prefix="pending")
    summary = delivery_send(bulletin=published_bulletin, workers=3)
    assert (summary.total, summary.sent, summary.possibly_duplicated) == (30, 30, 0)
    for subscriber in confirmed:
        assert len(smtp_sink.to(subscriber.email)) == 1
    for subscriber in pending:
        assert smtp_sink.to(subscriber.email) == []
    assert smtp_sink.sessions <= 3  # one reused connection per worker

    again = delivery_send(bulletin=published_bulletin, workers=3)
    assert again.sent_now == 0 and smtp_sink.count() == 30


def test_headers_and_signed_links(smtp_sink, published_bulletin, make_subscribers) -> None:
    """List-Unsubscribe is a signed https link that unsubscribes on POST; Message-ID is stable."""
    series = published_bulletin.series
    first, second = make_subscribers(series, 2)
    delivery_send(bulletin=published_bulletin, workers=1)
    (received,) = smtp_sink.to(first.email)
    message = _parse(received.data)
    delivery = Delivery.objects.get(subscriber=first)
    assert message["Message-ID"] == delivery.message_id
    assert re.fullmatch(r"<[0-9a-f]{32}@nashr\.example>", delivery.message_id)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["To"] == first.email
    assert "Iran Bulletin" in message["From"]
    unsubscribe = _search(r"^<(https://[^>]+)>$", message["List-Unsubscribe"])

    # The body carries the same personal links; the other reader's differ.
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert unsubscribe in text and unsubscribe in html
    (other,) = smtp_sink.to(second.email)
    assert unsubscribe not in other.data.decode()
    data_link = _search(r"https://nashr\.example/en/subscribe/data/\S+/", text)
    assert first.email.encode() in Client().get(_site_path(data_link)).content

    response = Client(enforce_csrf_checks=True).post(
        _site_path(unsubscribe),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and not response.cookies
    assert first.subscriptions.get().status == SubscriptionStatus.UNSUBSCRIBED


def test_4xx_is_retried_later(smtp_sink, published_bulletin, make_subscribers, settings) -> None:
    """A 451 answer puts the message back with a delay; it goes out once the server accepts."""
    settings.NASHR_SEND_RETRY_BASE = 0.05
    (reader,) = make_subscribers(published_bulletin.series, 1)
    smtp_sink.rcpt_replies[reader.email] = ["451 4.7.1 try again later"] * 2
    summary = delivery_send(bulletin=published_bulletin, workers=1)
    delivery = Delivery.objects.get(subscriber=reader)
    assert (delivery.state, delivery.attempts, summary.sent) == (DeliveryState.SENT, 3, 1)
    assert len(smtp_sink.to(reader.email)) == 1
    reader.refresh_from_db()
    assert reader.hard_bounces == 0


def test_4xx_gives_up_after_the_last_attempt(
    smtp_sink, published_bulletin, make_subscribers, settings
) -> None:
    """A server that keeps answering 4xx ends in 'failed' after NASHR_SEND_MAX_ATTEMPTS."""
    settings.NASHR_SEND_RETRY_BASE = 0.01
    settings.NASHR_SEND_MAX_ATTEMPTS = 3
    (reader,) = make_subscribers(published_bulletin.series, 1)
    smtp_sink.rcpt_replies[reader.email] = ["452 4.2.2 mailbox full"] * 10
    delivery_send(bulletin=published_bulletin, workers=1)
    delivery = Delivery.objects.get(subscriber=reader)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 3)
    assert delivery.last_error.startswith("452")


def test_5xx_fails_and_counts_against_the_subscriber(
    smtp_sink, published_bulletin, make_subscribers, settings
) -> None:
    """A 550 is final: the message fails, the address gets a hard bounce, others go on."""
    settings.NASHR_BOUNCE_LIMIT = 1
    gone, fine = make_subscribers(published_bulletin.series, 2)
    smtp_sink.rcpt_replies[gone.email] = ["550 5.1.1 no such user"]
    summary = delivery_send(bulletin=published_bulletin, workers=1)
    assert (summary.sent, summary.failed) == (1, 1)
    delivery = Delivery.objects.get(subscriber=gone)
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1
    assert delivery.last_error.startswith("550 5.1.1")
    gone.refresh_from_db()
    assert (gone.hard_bounces, gone.status) == (1, SubscriberStatus.BOUNCED)
    assert len(smtp_sink.to(fine.email)) == 1


def test_drafts_and_unknown_numbers_are_not_sent(smtp_sink, make_series, make_subscribers):
    """A draft is refused with what to do; so is a number the series has not given."""
    from django.core.management import CommandError

    from nashr.bulletins.services import bulletin_draft
    from nashr.core.actors import COMMAND
    from nashr.core.exceptions import StateError

    series = make_series()
    make_subscribers(series, 1)
    draft = bulletin_draft(
        actor=COMMAND, series=series, year=2023, month=11, editorial_body="Text."
    )
    with pytest.raises(StateError, match="publish it before sending"):
        delivery_send(bulletin=draft)
    with pytest.raises(CommandError, match="no issue number 47 in series “iran-bulletin”"):
        call_command("bulletin", "send", "47", "--series", "iran-bulletin")
    assert smtp_sink.count() == 0


def test_command_prints_a_summary(smtp_sink, published_bulletin, make_subscribers) -> None:
    """`nashr bulletin send` ends with the counts, possibly duplicated ones included."""
    make_subscribers(published_bulletin.series, 5)
    out = io.StringIO()
    call_command(
        "bulletin", "send", "47", "--series", "iran-bulletin", "--workers", "2", stdout=out
    )
    assert "sent: 5 (5 in this run)" in out.getvalue()
    assert "possibly duplicated: 0 (0 found in this run)" in out.getvalue()
    assert smtp_sink.count() == 5


def test_dkim_signature_verifies(smtp_sink, published_bulletin, make_subscribers, dkim_dns) -> None:
    """With a key configured, each message carries a DKIM signature that verifies."""
    import dkim

    (reader,) = make_subscribers(published_bulletin.series, 1)
    delivery_send(bulletin=published_bulletin, workers=1)
    (received,) = smtp_sink.to(reader.email)
    assert received.data.startswith(b"DKIM-Signature:")
    assert b"list-unsubscribe-post" in received.data.split(b"\r\n\r\n")[0].lower()
    assert dkim.verify(received.data, dnsfunc=dkim_dns)


def test_provider_backend_from_settings_only(published_bulletin, make_subscribers, settings):
    """Any Django mail backend (here django-anymail's test backend) works with no code change."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.NASHR_SITE_URL = "https://nashr.example"
    readers = make_subscribers(published_bulletin.series, 3)
    summary = delivery_send(bulletin=published_bulletin, workers=2)
    assert summary.sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    sent = mail.outbox[0]
    assert sent.extra_headers["List-Unsubscribe"].startswith("<https://nashr.example/en/")
    assert (
        sent.extra_headers["Message-ID"]
        == Delivery.objects.get(subscriber__email=sent.to[0]).message_id
    )


def test_unsubscribed_before_their_turn_get_nothing(
    smtp_sink, published_bulletin, make_subscribers
) -> None:
    """Who leaves after the issue was queued is not sent it."""
    from nashr.delivery.services import delivery_enqueue
    from nashr.subscribers.services import subscription_unsubscribe

    first, second = make_subscribers(published_bulletin.series, 2)
    delivery_enqueue(bulletin=published_bulletin)
    subscription_unsubscribe(subscriber=first, series_ids=(published_bulletin.series_id,))
    delivery_send(bulletin=published_bulletin, workers=1)
    assert smtp_sink.to(first.email) == [] and len(smtp_sink.to(second.email)) == 1
    assert not Subscriber.objects.get(pk=first.pk).deliveries.exists()


def test_without_pipelining_and_with_leading_dots(
    smtp_sink, make_series, publish_issue, make_subscribers
) -> None:
    """A server without PIPELINING gets one command at a time; lines starting with a dot
    arrive intact (dot-stuffing), and refusals still count."""
    smtp_sink.pipelining = False
    bulletin = publish_issue(
        make_series(), editorial_body="First line.\n\n.A line that starts with a dot\n\n..two"
    )
    fine, refused = make_subscribers(bulletin.series, 2)
    smtp_sink.rcpt_replies[refused.email] = ["550 5.1.1 no such user"]
    summary = delivery_send(bulletin=bulletin, workers=1)
    assert (summary.sent, summary.failed) == (1, 1)
    (received,) = smtp_sink.to(fine.email)
    text = _parse(received.data).get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "\n.A line that starts with a dot\n" in text and "\n..two" in text
