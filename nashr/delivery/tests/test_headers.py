"""What reaches a mail header: one line of text, folded with CRLF, never a line of its own."""

from __future__ import annotations

import email
import email.header
import email.policy
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from nashr.bulletins import selectors
from nashr.bulletins.models import Series
from nashr.core.actors import COMMAND
from nashr.core.exceptions import ValidationError
from nashr.delivery.engine import delivery_send
from nashr.delivery.message import IssueMessage

# Workers are threads with their own database connections: they must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

INJECTED = "Iran Bulletin\r\nReply-To: attacker@example.com"
# A long Persian title: with number and month the subject is past 200 characters.
LONG_TITLE = "خبرنامه ماهانه کمیته همبستگی با کارگران و معلمان زندانی ایران " * 3


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    # The refusals are translated; these tests read the English ones.
    with translation.override("en"):
        yield


def _only_crlf(data: bytes) -> bool:
    """Whether every line of `data` ends in CRLF (no bare CR, no bare LF)."""
    return re.search(rb"\r(?!\n)|(?<!\r)\n", data) is None


def _series_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"slug": "iran-bulletin", "title": "Iran Bulletin", "language": "en"}
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", INJECTED),
        ("title", "Iran\nBulletin"),
        ("title", "Iran\x00Bulletin"),
        ("title", "Iran\x85Bulletin"),
        ("title", "Iran\u2028Bulletin"),
        ("label", "IRAN:\r\n.\r\n"),
        ("label", "IRAN:\x1b[2J"),
    ],
)
def test_the_series_service_refuses_control_characters(field: str, value: str) -> None:
    """A line break or other control character in a series' title or label is refused."""
    from nashr.bulletins.services import series_create_or_update

    with pytest.raises(ValidationError) as refused:
        series_create_or_update(actor=COMMAND, **_series_fields(**{field: value}))
    assert refused.value.where == field
    assert "control character" in refused.value.message
    assert not Series.objects.exists()


def test_direction_marks_and_joiners_are_kept(make_series) -> None:
    """RLM, LRM and the zero-width non-joiner belong in Persian titles and are accepted."""
    title = "\u200fبولتن\u200cها\u200e (ایران)"
    assert make_series(title=title, language="fa", label="\u200fایران:").title == title


def test_the_series_admin_form_shows_the_refusal(admin_client: Client, make_series) -> None:
    """The series form shows the refusal on the title field and saves nothing."""
    series = make_series()
    data = {
        "slug": series.slug,
        "title": INJECTED,
        "language": "en",
        "label": series.label,
        "first_number": str(series.first_number),
        "colophon": "",
    }
    response = admin_client.post(f"/en/admin/bulletins/series/{series.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "control character" in str(errors["title"])
    series.refresh_from_db()
    assert series.title == "Iran Bulletin"


def test_the_bulletin_command_refuses_it() -> None:
    """`nashr bulletin series --title` with a line break fails with the field named."""
    with pytest.raises(CommandError, match=r"title: .*control character"):
        call_command("bulletin", "series", "iran-bulletin", "--title", INJECTED, "--language", "en")
    assert not Series.objects.exists()


def test_subscriber_addresses_refuse_control_characters(make_series) -> None:
    """An address with a control character (legal in a quoted local part) is refused."""
    from nashr.subscribers.models import Subscriber
    from nashr.subscribers.services import subscriber_subscribe

    with pytest.raises(ValidationError) as refused:
        subscriber_subscribe(
            email='"reader\x1b"@example.org', series=[make_series()], language="en"
        )
    assert refused.value.where == "email"
    assert not Subscriber.objects.exists()


def test_a_title_saved_before_the_rule_is_still_not_a_header(
    published_bulletin: Any, settings: Any
) -> None:
    """A subject or name with a line break, written before the rule, stops the message's build."""
    settings.DEFAULT_FROM_EMAIL = "bulletin@nashr.example"
    Series.objects.filter(pk=published_bulletin.series_id).update(
        title="Iran\r\n.\r\nMAIL FROM:<attacker@example.com>"
    )
    published_bulletin.refresh_from_db()
    with pytest.raises(ValidationError, match="control character"):
        IssueMessage(bulletin=published_bulletin)


def test_a_long_persian_subject_goes_out_folded_with_crlf(
    smtp_sink: Any, make_series: Any, publish_issue: Any, make_subscribers: Any
) -> None:
    """A 200-character Persian subject arrives with CRLF line ends and unfolds to itself."""
    series = make_series(slug="khabarnameh", title=LONG_TITLE.strip(), language="fa", label="")
    bulletin = publish_issue(series)
    subject = selectors.bulletin_document(bulletin=bulletin)["subject"]
    assert len(subject) > 200
    (reader,) = make_subscribers(series, 1)
    delivery_send(bulletin=bulletin, workers=1)
    (received,) = smtp_sink.to(reader.email)
    assert _only_crlf(received.data)
    for name in (b"Subject", b"From"):
        folded = re.search(rb"(?m)^%s: [^\r\n]*(\r\n[ \t][^\r\n]*)*" % name, received.data)
        assert folded is not None
        assert all(len(line) <= 78 for line in folded.group().split(b"\r\n")), folded
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    assert message["Subject"] == subject
    # (Python's own address parser puts spaces between encoded words; a reader does not.)
    raw_from = re.search(rb"(?m)^From: ([^\r\n]*(\r\n[ \t][^\r\n]*)*)", received.data)
    assert raw_from is not None
    unfolded = raw_from.group(1).decode("ascii").replace("\r\n", "")
    decoded = str(email.header.make_header(email.header.decode_header(unfolded)))
    assert decoded == f"{series.title} <bulletin@nashr.example>"


def test_a_lone_dot_in_the_content_does_not_end_the_message(
    smtp_sink: Any, make_series: Any, publish_issue: Any, make_subscribers: Any
) -> None:
    """Lines of dots in an issue arrive as written, and the message arrives whole."""
    series = make_series()
    body = "Before.\n\n.\n\n..\n\n.\r\nMAIL FROM:<attacker@example.com>\n\nAfter."
    bulletin = publish_issue(series, editorial_title=".", editorial_body=body)
    (reader,) = make_subscribers(series, 1)
    delivery_send(bulletin=bulletin, workers=1)
    assert smtp_sink.count() == 1
    (received,) = smtp_sink.to(reader.email)
    assert _only_crlf(received.data)
    message: Any = email.message_from_bytes(received.data, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "\n.\n" in text.replace("\r\n", "\n") and "\n..\n" in text.replace("\r\n", "\n")
    assert "After." in text
    assert "After." in message.get_body(("html",)).get_content()


def test_the_confirmation_mail_has_crlf_line_ends_and_a_random_id(
    smtp_sink: Any, make_series: Any
) -> None:
    """The confirmation mail arrives with CRLF line ends, its Message-ID naming no server."""
    from nashr.subscribers.services import subscriber_subscribe

    series = make_series(slug="khabarnameh", title=LONG_TITLE.strip(), language="fa")
    subscriber_subscribe(email="reader@example.org", series=[series], language="fa")
    (received,) = smtp_sink.to("reader@example.org")
    assert _only_crlf(received.data)
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    assert message["Subject"] and not message["Subject"].isascii()
    assert re.fullmatch(r"<[0-9a-f]{32}@nashr\.example>", message["Message-ID"])
