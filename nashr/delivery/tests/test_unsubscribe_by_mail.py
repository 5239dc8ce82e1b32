"""List-Unsubscribe by mail as well as by link, when a list address is set (issue 28, item 12)."""

from __future__ import annotations

import email
import email.policy
import re

import dkim
import pytest
from django.core import mail

from nashr.delivery.engine import delivery_send
from nashr.subscribers import tokens

pytestmark = pytest.mark.django_db(transaction=True)


def test_smtp_message_offers_mailto_and_stays_signed(
    smtp_sink, published_bulletin, make_subscribers, dkim_dns, settings
) -> None:
    """The header holds the https link and a mailto: carrying the same signed token; the
    folded header is covered by a DKIM signature that verifies."""
    settings.NASHR_LIST_ADDRESS = "list@nashr.example"
    (reader,) = make_subscribers(published_bulletin.series, 1)
    delivery_send(bulletin=published_bulletin, workers=1)
    (received,) = smtp_sink.to(reader.email)
    assert dkim.verify(received.data, dnsfunc=dkim_dns)
    header = " ".join(
        str(
            email.message_from_bytes(received.data, policy=email.policy.default)["List-Unsubscribe"]
        ).split()
    )
    found = re.fullmatch(
        r"<https://nashr\.example/en/subscribe/unsubscribe/([^/>]+)/>, "
        r"<mailto:list@nashr\.example\?subject=unsubscribe%20([^>]+)>",
        header,
    )
    assert found, header
    link_token, mail_token = found.group(1), found.group(2).replace("%3A", ":")
    assert link_token == mail_token
    data = tokens.read_token(purpose=tokens.UNSUBSCRIBE, token=mail_token)
    assert data.subscriber == reader


def test_without_a_list_address_only_the_link(smtp_sink, published_bulletin, make_subscribers):
    """Unset, List-Unsubscribe is the https link alone, as before."""
    (reader,) = make_subscribers(published_bulletin.series, 1)
    delivery_send(bulletin=published_bulletin, workers=1)
    (received,) = smtp_sink.to(reader.email)
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    assert re.fullmatch(r"<https://[^>]+>", str(message["List-Unsubscribe"]))


def test_provider_backends_get_both_on_one_line(
    published_bulletin, make_subscribers, settings
) -> None:
    """A Django mail backend gets the same two entries, unfolded (it folds headers itself)."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.NASHR_LIST_ADDRESS = "list@nashr.example"
    make_subscribers(published_bulletin.series, 1)
    delivery_send(bulletin=published_bulletin, workers=1)
    value = mail.outbox[0].extra_headers["List-Unsubscribe"]
    assert "\r" not in value and "\n" not in value
    assert re.fullmatch(
        r"<https?://[^>]+>, <mailto:list@nashr\.example\?subject=unsubscribe%20\S+>", value
    )
