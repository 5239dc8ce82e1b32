"""Mail to the list address: floods, automatic mail, forgeries and DKIM, against real SMTP."""

from __future__ import annotations

import email
import email.policy
import email.utils
import io
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import dkim
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from nashr.core.mirror_mode import mirror_environ
from nashr.subscribers.models import Subscriber, SubscriberStatus
from nashr.subscribers.selectors import subscriber_data
from nashr.subscribers.services import mail_commands_ingest
from nashr.subscribers.tests.conftest import LIST_ADDRESS, ListMailServer
from nashr.testing.dkim import make_dkim_key

# Mail leaves after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _ingest(server: ListMailServer) -> str:
    out = io.StringIO()
    call_command("subscribers", "mail-ingest", str(server.maildir), stdout=out)
    return out.getvalue()


def _subject(sink: Any, address: str) -> str:
    (received,) = sink.to(address)
    return str(email.message_from_bytes(received.data, policy=email.policy.default)["Subject"])


def _status(address: str) -> str:
    return Subscriber.objects.get(email=address).status


def test_a_maildir_message_is_read_once(list_mail, smtp_sink, make_series) -> None:
    """A message read is moved to cur/; the next run reads only what arrived since."""
    make_series()
    list_mail.write(sender="once@example.org", subject="subscribe iran-bulletin")
    assert "messages read: 1" in _ingest(list_mail)
    assert "messages read: 0" in _ingest(list_mail)
    assert len(smtp_sink.to("once@example.org")) == 1
    assert list(Path(list_mail.maildir, "new").iterdir()) == []
    (seen,) = Path(list_mail.maildir, "cur").iterdir()
    assert seen.name.endswith(":2,S")


def test_the_confirmation_is_in_the_series_language(list_mail, smtp_sink, make_series) -> None:
    """The token comes in the subject, Reply-To is the list address, and the text (English
    for an English series) says to reply; the consent's basis and the pending confirmation
    are recorded."""
    make_series()
    list_mail.write(sender="en@example.org", subject="subscribe iran-bulletin")
    _ingest(list_mail)
    (received,) = smtp_sink.to("en@example.org")
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    assert re.fullmatch(
        r"Confirm your subscription \[confirm [A-Za-z0-9_-]{22}\]", message["Subject"]
    )
    assert message["Reply-To"] == LIST_ADDRESS
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_content()
    assert "reply to this message" in text and "Iran Bulletin" in text
    subscriber = Subscriber.objects.get(email="en@example.org")
    assert subscriber.consent_basis.startswith("asked by mail")
    # What the reader may download names the pending confirmation (never its token).
    (stored,) = subscriber_data(subscriber=subscriber)["mail_confirmations"]
    assert (stored["series"], stored["used_at"]) == ("iran-bulletin", None)


def test_automatic_replies_confirm_nothing(list_mail, smtp_sink, make_series) -> None:
    """Auto-replies (RFC 3834's Auto-Submitted, or an older X-Autoreply) from the very
    address, carrying the token, are ignored."""
    make_series()
    list_mail.write(sender="away@example.org", subject="subscribe iran-bulletin")
    _ingest(list_mail)
    subject = _subject(smtp_sink, "away@example.org")
    list_mail.write(
        sender="away@example.org",
        subject=f"Out of office: {subject}",
        headers={"Auto-Submitted": "auto-replied"},
    )
    list_mail.write(
        sender="away@example.org", subject=f"Re: {subject}", headers={"X-Autoreply": "yes"}
    )
    assert "automatic mail ignored: 2" in _ingest(list_mail)
    assert _status("away@example.org") == SubscriberStatus.PENDING


def test_a_sender_is_limited(list_mail, smtp_sink, make_series, settings) -> None:
    """Past NASHR_LIST_SENDER_RATE, a sender's messages are refused unread."""
    settings.NASHR_LIST_SENDER_RATE = (2, 3600)
    make_series()
    for _ in range(3):
        list_mail.write(sender="flood@example.org", subject="confirm AAAAAAAAAAAAAAAAAAAAAA")
    report = _ingest(list_mail)
    assert report.count("no confirmation has this token") == 2
    assert "more than 2 messages from its sender" in report


def test_mail_and_form_share_the_address_limit(
    client: Client, list_mail, smtp_sink, make_series, settings
) -> None:
    """An address mailed a confirmation by the site's form gets no more by mail past the limit."""
    settings.NASHR_SUBSCRIBE_ADDRESS_RATE = (1, 3600)
    series = make_series()
    client.post("/en/subscribe/", {"email": "victim@example.org", "series": [series.pk]})
    list_mail.write(sender="victim@example.org", subject="subscribe iran-bulletin")
    assert "too often" in _ingest(list_mail)
    assert len(smtp_sink.to("victim@example.org")) == 1


def test_answers_are_limited_in_all(list_mail, smtp_sink, make_series, settings) -> None:
    """Past NASHR_LIST_MAIL_RATE, however many senders, no more confirmations are mailed."""
    settings.NASHR_LIST_MAIL_RATE = (2, 3600)
    make_series()
    for index in range(3):
        list_mail.write(sender=f"many{index}@example.org", subject="subscribe iran-bulletin")
    report = _ingest(list_mail)
    assert "confirmation mails sent: 2" in report and "NASHR_LIST_MAIL_RATE" in report
    assert smtp_sink.count() == 2


def test_unknown_series_and_no_command_are_refused(list_mail, smtp_sink, make_series) -> None:
    """A slug that names no series, or a message without a command, changes and sends nothing."""
    make_series()
    list_mail.write(sender="a@example.org", subject="subscribe no-such-series")
    list_mail.write(sender="b@example.org", subject="hello", body="please add me")
    report = _ingest(list_mail)
    assert "no bulletin “no-such-series”" in report and "holds no command" in report
    assert smtp_sink.count() == 0 and not Subscriber.objects.exists()


def test_unsubscribe_needs_a_genuine_token(list_mail, smtp_sink, make_series, make_subscribers):
    """An unsubscribe token altered by one character unsubscribes nobody."""
    series = make_series()
    (reader,) = make_subscribers(series, 1)
    list_mail.write(sender="x@example.org", subject=f"unsubscribe {reader.pk}.{series.pk}:AAAA")
    assert "not valid" in _ingest(list_mail)
    assert reader.subscriptions.get().status == "confirmed"


def test_off_without_a_list_address(settings, tmp_path) -> None:
    """With NASHR_LIST_ADDRESS unset the command says so instead of reading mail."""
    settings.NASHR_LIST_ADDRESS = ""
    (tmp_path / "new").mkdir()
    (tmp_path / "cur").mkdir()
    with pytest.raises(CommandError, match="NASHR_LIST_ADDRESS is not set"):
        call_command("subscribers", "mail-ingest", str(tmp_path))


def test_only_the_mirror_offers_mailto(list_mail, make_series) -> None:
    """The site's own pages keep the form alone; the mirror's, in either forms mode, add the
    mailto: links."""
    make_series()
    live = Client().get("/en/").content.decode()
    assert "mailto:" not in live
    for forms in ("primary", "note"):
        page = Client(**mirror_environ(forms=forms)).get("/en/").content.decode()
        assert f'href="mailto:{LIST_ADDRESS}?subject=subscribe%20iran-bulletin"' in page


@pytest.fixture
def dkim_key(tmp_path: Path) -> tuple[bytes, Any]:
    """A DKIM key of example.org (selector "s"): the private key, and its DNS lookup."""
    key = tmp_path / "dkim.pem"
    record = make_dkim_key(key)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        return record if name == b"s._domainkey.example.org." else b""

    return key.read_bytes(), dns


def _signed(*, sender: str, subject: str, private_key: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = LIST_ADDRESS
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate()
    message.set_content("yes\n")
    raw = message.as_bytes(policy=email.policy.SMTP)
    signature = dkim.sign(
        raw, b"s", b"example.org", private_key, include_headers=[b"from", b"subject"]
    )
    return bytes(signature) + raw


def test_a_dkim_signature_is_checked(list_mail, smtp_sink, make_series, dkim_key) -> None:
    """A reply whose DKIM signature fails (its From changed after signing) is refused; the
    genuine signed reply confirms."""
    private_key, dns = dkim_key
    make_series()
    list_mail.write(sender="signed@example.org", subject="subscribe iran-bulletin")
    _ingest(list_mail)
    reply = _signed(
        sender="signed@example.org",
        subject=f"Re: {_subject(smtp_sink, 'signed@example.org')}",
        private_key=private_key,
    )
    forged = reply.replace(b"From: signed@example.org", b"From: other@example.org")
    report = mail_commands_ingest(source=forged, dns=dns)
    assert "does not verify" in report.refused[0].reason
    assert _status("signed@example.org") == SubscriberStatus.PENDING
    report = mail_commands_ingest(source=reply, dns=dns)
    assert (report.confirmed, report.refused) == (1, [])
    assert _status("signed@example.org") == SubscriberStatus.CONFIRMED
