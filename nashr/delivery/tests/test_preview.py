"""The .eml preview is the sender's message for a sample reader, byte for byte."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import pytest
from django.test import Client

from nashr.delivery.engine import delivery_send
from nashr.delivery.message import SAMPLE_RECIPIENT, bulletin_message_preview

# Workers are threads with their own database connections: they must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

TITLES = ("بیانیه درباره اعدام‌ها", "گزارش نشست ائتلاف", "خبر اعتصاب کارگران")


@pytest.fixture
def issue(make_series, publish_issue, make_publication):
    """An English issue proposing three Persian statements (its items link to them)."""
    for index, title in enumerate(TITLES):
        make_publication(title=title, date=dt.date(2023, 10, 20) + dt.timedelta(days=index))
    return publish_issue(make_series())


def _preview_through_admin(make_staff, bulletin) -> bytes:
    client = Client()
    client.force_login(make_staff("editor"))
    response = client.get(f"/en/admin/delivery/sending/{bulletin.pk}/preview.eml")
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    return bytes(response.content)


def _placeholders(message: bytes, *, address: str) -> bytes:
    """The message with what is personal or dated replaced by fixed words.

    The body's quoted-printable soft line breaks are joined first: a line carrying a
    personal link wraps where that link's length makes it wrap.
    """
    head, blank, body = message.partition(b"\r\n\r\n")
    message = head + blank + body.replace(b"=\r\n", b"")
    message = message.replace(address.encode(), b"RECIPIENT")
    message = re.sub(rb"(?m)^Message-ID: [^\r\n]+", b"Message-ID: MESSAGE-ID", message)
    message = re.sub(rb"(?m)^Date: [^\r\n]+", b"Date: DATE", message)
    token = rb"/subscribe/(unsubscribe|data)/[0-9.\-]+:[\w-]+/"
    return re.sub(token, rb"/subscribe/\1/TOKEN/", message)


def test_eml_preview_is_what_a_subscriber_receives(
    smtp_sink, issue, make_subscribers, make_staff
) -> None:
    """Apart from recipient, Message-ID, Date and signed links, the .eml equals the mail sent."""
    (reader,) = make_subscribers(issue.series, 1)
    preview = _preview_through_admin(make_staff, issue)
    delivery_send(bulletin=issue, workers=1)
    (received,) = smtp_sink.to(reader.email)

    assert _placeholders(preview, address=SAMPLE_RECIPIENT) == _placeholders(
        received.data, address=reader.email
    )
    # What the placeholders hid is really there, and personal.
    headers = email.message_from_bytes(preview, policy=email.policy.default)
    assert headers["To"] == SAMPLE_RECIPIENT
    assert headers["List-Id"] == "<iran-bulletin.nashr.example>"
    assert headers["List-Unsubscribe"].startswith(
        "<https://nashr.example/en/subscribe/unsubscribe/0."
    )
    hidden = _placeholders(preview, address=SAMPLE_RECIPIENT)
    assert hidden.count(b"/subscribe/unsubscribe/TOKEN/") == 3  # the header and both parts
    assert b"\r\nMessage-ID: MESSAGE-ID\r\n" in hidden and b"\r\nDate: DATE\r\n" in hidden
    assert reader.email.encode() in received.data and SAMPLE_RECIPIENT.encode() not in received.data


def test_eml_has_two_parts_with_every_item_and_link(make_staff, issue) -> None:
    """The .eml is multipart/alternative; both parts carry every item title and link in order."""
    message = email.message_from_bytes(
        _preview_through_admin(make_staff, issue), policy=email.policy.default
    )
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Iran Bulletin No. 47 — November 2023"
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    items = issue.document["items"]
    assert len(items) == len(TITLES)
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    for part in (plain.get_content(), html.get_content()):
        positions = [part.index(item["title"]) for item in items]
        assert positions == sorted(positions)
        for item in items:
            assert item["read_more"]["url"] in part
        assert unsubscribe in part and "/subscribe/data/0." in part


def test_long_persian_subject_survives_the_wire(make_series, publish_issue) -> None:
    """A subject long enough to be folded reads back with every space (none lost at a fold)."""
    series = make_series(slug="khabarnameh", title="خبرنامه نشر ایران", language="fa", label="")
    bulletin = publish_issue(series)
    sent = bulletin_message_preview(bulletin=bulletin)
    received = email.message_from_bytes(sent, policy=email.policy.default)
    expected = bulletin.document["subject"]
    assert len(expected.encode()) > 40
    assert received["Subject"] == expected
    assert all(len(line) <= 998 for line in sent.split(b"\r\n"))


def test_preview_is_dkim_signed_like_a_real_message(
    settings, make_series, publish_issue, dkim_dns
) -> None:
    """With DKIM configured, the preview carries a signature that verifies, as a sent one does."""
    import dkim

    settings.DEFAULT_FROM_EMAIL = "bulletin@nashr.example"
    preview = bulletin_message_preview(bulletin=publish_issue(make_series()))
    assert preview.startswith(b"DKIM-Signature:")
    assert dkim.verify(preview, dnsfunc=dkim_dns)
