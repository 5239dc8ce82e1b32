"""The site's notification mails come from one builder: the same headers, whoever sends them."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from typing import Any

import pytest

from nashr.comments import services
from nashr.core.actors import COMMAND
from nashr.publications.models import Publication
from nashr.subscribers.services import subscriber_subscribe

pytestmark = pytest.mark.django_db


def _received(smtp_sink: Any, address: str) -> email.message.EmailMessage:
    (received,) = smtp_sink.to(address)
    return email.message_from_bytes(received.data, policy=email.policy.default)


def test_subscription_and_comment_mails_carry_the_same_headers(
    smtp_sink: Any,
    make_series: Callable[..., Any],
    publication: Publication,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A subscription's confirmation, a commenter's confirmation and a reply notice arrive with
    one set of headers: one From (the address under the site's name), Auto-Submitted, a
    random Message-ID of the From's domain."""
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_subscribe(email="reader@example.org", series=[make_series()], language="fa")
        posted = services.comment_post(
            publication=publication, name="Sara", body="A question.", email="sara@example.org"
        )
    services.comments_moderate(actor=COMMAND, comment_ids=[posted.comment.pk], status="approved")
    services.comment_email_confirm(comment=posted.comment)
    posted.comment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_post(
            publication=publication,
            name="Editor",
            body="An answer.",
            email="editor@example.org",
            parent=posted.comment,
        )
    services.comments_moderate(actor=COMMAND, comment_ids=[reply.comment.pk], status="approved")
    services.reply_notify(reply_id=reply.comment.pk)

    subscription = _received(smtp_sink, "reader@example.org")
    comment_confirmation = _received(smtp_sink, "editor@example.org")
    reply_notice = next(
        m
        for m in (
            email.message_from_bytes(r.data, policy=email.policy.default)
            for r in smtp_sink.to("sara@example.org")
        )
        if f"#comment-{reply.comment.pk}" in m.get_content()
    )
    mails = [subscription, comment_confirmation, reply_notice]
    assert len({frozenset(mail.keys()) for mail in mails}) == 1
    for mail in mails:
        (sender,) = mail["From"].addresses
        assert sender.addr_spec == "bulletin@nashr.example"
        assert sender.display_name in {"نشر", "Nashr"}
        assert mail["Auto-Submitted"] == "auto-generated"
        assert re.fullmatch(r"<[0-9a-f]{32}@nashr\.example>", mail["Message-ID"])
        assert "\n" not in mail["Subject"]
    assert len({mail["Message-ID"] for mail in mails}) == 3
