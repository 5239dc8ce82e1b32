"""A message's content goes out together with the next message's envelope (RFC 2920).

The next envelope alone delivers nothing; these tests hold the sender to that wherever the
next message cannot follow: its reader left meanwhile, the sender stops, the server refuses
or drops the connection. And a server that stops answering ends in an error, not a hang.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from nashr.delivery.engine import Sender, delivery_send
from nashr.delivery.models import Delivery, DeliveryState

pytestmark = pytest.mark.django_db(transaction=True)


def _assert_whole_messages(smtp_sink: Any) -> None:
    """Nothing arrived but complete issues (an envelope cut off must never become a mail)."""
    for received in smtp_sink.messages:
        assert b"Subject: " in received.data and b"List-Unsubscribe: <https://" in received.data


def test_reader_who_leaves_while_their_envelope_is_ahead_gets_nothing(
    smtp_sink, published_bulletin, make_subscribers
) -> None:
    """The next reader's envelope went out with the last message; they unsubscribe before
    that message is answered. Their message is not sent: the connection is cut off in the
    middle of their transaction, and the sender goes on with the others on a new one."""
    from nashr.subscribers.services import subscription_unsubscribe

    first, leaving, last = make_subscribers(published_bulletin.series, 3)

    def leave(received: Any) -> None:
        if received.rcpt_tos == [first.email]:
            subscription_unsubscribe(subscriber=leaving, series_ids=(published_bulletin.series_id,))

    smtp_sink.on_message = leave
    summary = delivery_send(bulletin=published_bulletin, workers=1)
    assert [r.rcpt_tos for r in smtp_sink.messages] == [[first.email], [last.email]]
    assert smtp_sink.sessions == 2  # the connection that carried the envelope was dropped
    assert (summary.sent, summary.total, summary.sending) == (2, 2, 0)
    assert not Delivery.objects.filter(subscriber=leaving).exists()
    _assert_whole_messages(smtp_sink)


def test_stopping_leaves_the_next_message_queued(
    smtp_sink, published_bulletin, make_subscribers
) -> None:
    """Stopped (Ctrl-C) while a message is with the server: that one is recorded as sent,
    the next one, whose envelope is ahead, stays queued (not 'sending') and unleased."""
    readers = make_subscribers(published_bulletin.series, 3)
    sender = Sender(bulletin=published_bulletin, workers=1)
    smtp_sink.on_message = lambda received: sender.stop()
    summary = sender.run()
    assert [r.rcpt_tos for r in smtp_sink.messages] == [[readers[0].email]]
    assert (summary.sent, summary.queued, summary.sending) == (1, 2, 0)
    assert not Delivery.objects.filter(claimed_by__isnull=False).exists()
    _assert_whole_messages(smtp_sink)
    smtp_sink.on_message = None
    again = delivery_send(bulletin=published_bulletin, workers=1)
    assert (again.sent, again.sent_now, again.possibly_duplicated) == (3, 2, 0)
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.messages) == sorted(r.email for r in readers)


@pytest.mark.parametrize(
    ("reply", "state"),
    [("554 5.7.1 message refused", DeliveryState.FAILED), ("451 4.3.0 try later", None)],
)
def test_a_refused_message_does_not_hold_up_the_next(
    smtp_sink, published_bulletin, make_subscribers, settings, reply, state
) -> None:
    """The server refuses a message at the end of DATA; the next message, whose envelope
    followed it, is delivered on the same connection. A 4xx is retried later."""
    settings.NASHR_SEND_RETRY_BASE = 0.05
    refused, following = make_subscribers(published_bulletin.series, 2)
    smtp_sink.data_replies[refused.email] = [reply]
    summary = delivery_send(bulletin=published_bulletin, workers=1)
    assert len(smtp_sink.to(following.email)) == 1
    delivery = Delivery.objects.get(subscriber=refused)
    assert delivery.last_error.startswith(reply[:3]) or delivery.state == DeliveryState.SENT
    if state is None:  # retried, then accepted
        assert (delivery.state, delivery.attempts, summary.sent) == (DeliveryState.SENT, 2, 2)
        assert len(smtp_sink.to(refused.email)) == 1
    else:
        assert (delivery.state, summary.sent, summary.failed) == (state, 1, 1)
        assert smtp_sink.to(refused.email) == []
    assert smtp_sink.sessions == 1
    _assert_whole_messages(smtp_sink)


def test_server_closing_after_a_message_loses_no_one(
    smtp_sink, published_bulletin, make_subscribers, settings
) -> None:
    """421 at the end of DATA: the server closes the connection, taking the next envelope
    with it. The next message goes out on a new connection; the refused one is retried."""
    settings.NASHR_SEND_RETRY_BASE = 0.05
    readers = make_subscribers(published_bulletin.series, 3)
    smtp_sink.data_replies[readers[0].email] = ["421 4.3.2 closing"]
    summary = delivery_send(bulletin=published_bulletin, workers=1)
    assert summary.sent == 3
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.messages) == sorted(r.email for r in readers)
    assert smtp_sink.sessions >= 2
    _assert_whole_messages(smtp_sink)


@pytest.fixture
def silent_server(settings: Any) -> Iterator[socket.socket]:
    """A server on loopback that greets, answers EHLO, and then never says anything."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            held.append(client)
            client.sendall(b"220 silent ESMTP\r\n")
            client.recv(1024)  # EHLO
            client.sendall(b"250-silent\r\n250 PIPELINING\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.NASHR_SITE_URL = "https://nashr.example"
    try:
        yield listener
    finally:
        stop.set()
        thread.join()
        for client in held:
            client.close()
        listener.close()


def test_a_server_that_stops_answering_times_out(
    silent_server, published_bulletin, make_subscribers, settings
) -> None:
    """The connection's timeout (EMAIL_TIMEOUT, enforced by the kernel) ends the wait."""
    settings.EMAIL_TIMEOUT = 1
    settings.NASHR_SEND_MAX_ATTEMPTS = 1
    (reader,) = make_subscribers(published_bulletin.series, 1)
    started = time.monotonic()
    summary = delivery_send(bulletin=published_bulletin, workers=1)
    assert time.monotonic() - started < 5
    assert (summary.sent, summary.failed) == (0, 1)
    delivery = Delivery.objects.get(subscriber=reader)
    assert delivery.state == DeliveryState.FAILED
    assert "connection" in delivery.last_error
