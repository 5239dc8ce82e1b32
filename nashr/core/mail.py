"""Nashr's own mail: the address it comes from, its Message-IDs, and the one builder of
the site's notification mails (a subscription's or a commenter's confirmation link, a
reply, the moderators' digest). Bulletins have their own (nashr.delivery.message)."""

from __future__ import annotations

import email.utils
import secrets
from collections.abc import Callable, Mapping
from email.headerregistry import Address

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from nashr.core.languages import site_name
from nashr.core.one_line import check_one_line


def from_address() -> str:
    """The From address of bulletins and of the mail readers get about them.

    NASHR_BULLETIN_FROM_EMAIL when it is set, else Django's DEFAULT_FROM_EMAIL: the
    confirmation mail and the issues come from one address, so a reader who allowed one
    receives the other.
    """
    if settings.NASHR_BULLETIN_FROM_EMAIL:
        return check_one_line(
            str(settings.NASHR_BULLETIN_FROM_EMAIL), where="NASHR_BULLETIN_FROM_EMAIL"
        )
    return check_one_line(str(settings.DEFAULT_FROM_EMAIL), where="DEFAULT_FROM_EMAIL")


def notification_sender(language: str) -> str:
    """The From of the site's notification mails: `from_address()` under the site's name
    in `language` (NASHR_SITE_NAME and the language's `site_name=`), unless the address
    comes with a name of its own."""
    sender = from_address()
    name, address = email.utils.parseaddr(sender)
    if name or not address:
        return sender
    name = check_one_line(site_name(language), where="NASHR_SITE_NAME")
    local, _at, domain = address.rpartition("@")
    return str(Address(display_name=name, username=local, domain=domain))


def mail_domain() -> str:
    """The domain of the From address: the right-hand side of Nashr's Message-IDs."""
    return email.utils.parseaddr(from_address())[1].rpartition("@")[2] or "nashr.invalid"


def message_id_new() -> str:
    """A Message-ID of 128 random bits, `<{32 hex digits}@{domain}>`.

    It names nothing: not the server (Django's default carries the host name, process id
    and time), not an issue, not a reader. A delivery row draws its own the same way in
    SQL (nashr.delivery.services.SQL_TOKEN).
    """
    return f"<{secrets.token_hex(16)}@{mail_domain()}>"


# What marks every notification mail: sent by the site, not by a person, so that
# autoresponders do not answer it (RFC 3834).
NOTIFICATION_HEADERS = {"Auto-Submitted": "auto-generated"}


def notification_message(
    *, to: str, language: str, template: str, context: Mapping[str, object]
) -> EmailMessage:
    """A notification mail to `to`, written in `language` from two templates.

    `template` names them without the ending: `{template}_subject.txt` (made one line)
    and `{template}.txt`, the plain-text body. It comes from `notification_sender()`, with
    a random Message-ID of its own and NOTIFICATION_HEADERS. Not sent: the caller sends
    it, over a connection of its choosing for many.
    """
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", dict(context))
        body = render_to_string(f"{template}.txt", dict(context))
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=notification_sender(language),
        to=[to],
        headers={**NOTIFICATION_HEADERS, "Message-ID": message_id_new()},
    )


# The headers a DKIM signature covers, where the message has them: a bulletin's
# (nashr.delivery.message) and every notification mail's (nashr.core.smtp).
DKIM_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"content-type",
    b"content-transfer-encoding",
    b"auto-submitted",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
]


def dkim_signer() -> Callable[[bytes], bytes] | None:
    """The one DKIM signing of Nashr's mail: a function that returns the DKIM-Signature
    header line(s) of a message as received (CRLF line ends), or None when no selector and
    key are configured (NASHR_DKIM_SELECTOR, NASHR_DKIM_PRIVATE_KEY[_FILE])."""
    selector = settings.NASHR_DKIM_SELECTOR
    key = settings.NASHR_DKIM_PRIVATE_KEY
    if not key and settings.NASHR_DKIM_PRIVATE_KEY_FILE:
        with open(settings.NASHR_DKIM_PRIVATE_KEY_FILE, encoding="ascii") as handle:
            key = handle.read()
    if not (selector and key):
        return None
    import dkim

    domain = (settings.NASHR_DKIM_DOMAIN or mail_domain()).encode("ascii")
    private_key = key.encode("ascii")

    def sign(message: bytes) -> bytes:
        return bytes(
            dkim.sign(
                message,
                selector.encode("ascii"),
                domain,
                private_key,
                include_headers=DKIM_HEADERS,
            )
        )

    return sign
