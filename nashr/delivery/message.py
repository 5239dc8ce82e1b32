"""An issue's email, rendered once and personalized per recipient by substitution.

The bulletin renderer is called once per issue with placeholder links; the message is then
cut into pre-encoded pieces, and each recipient costs only the few lines that carry their
own links (unsubscribe, data) plus three headers (To, Message-ID, List-Unsubscribe).

Message-IDs. Each delivery row carries a Message-ID made of 128 random bits, drawn by the
database when the row is queued (`delivery_enqueue`): `<{32 hex digits}@{domain}>`. It
names no issue and no subscriber, and it cannot be guessed, so a bounce report that quotes
it (or comes back to the return path made from it, `bounces+{token}@…`, when
NASHR_BOUNCE_ADDRESS is set) proves that it answers that very message; a report that only
names a reader's address proves nothing (see `bounce_ingest_message`).

Headers end in CRLF; a non-ASCII subject or name is written as RFC 2047 encoded words,
folded (CRLF and a space) at 78 characters. The values that come from editors are checked
to be one line (nashr.core.one_line) by their services, and once more here, for rows written
before the rule.
"""

from __future__ import annotations

import binascii
import email.utils
import hashlib
import re
from dataclasses import dataclass
from email.header import Header
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from nashr.bulletins.models import Bulletin
from nashr.bulletins.rendering import bulletin_email_content
from nashr.core.mail import dkim_signer, from_address, mail_domain, message_id_new
from nashr.core.one_line import check_one_line
from nashr.delivery.smtp import dot_stuff
from nashr.subscribers import mailcommands, tokens

CRLF = b"\r\n"
# Made of [A-Za-z0-9_:/.-] only, so no renderer escapes or wraps them differently.
UNSUBSCRIBE_PLACEHOLDER = "https://nashr-placeholder.invalid/unsubscribe-link"
MANAGE_PLACEHOLDER = "https://nashr-placeholder.invalid/manage-link"
PLACEHOLDERS = (UNSUBSCRIBE_PLACEHOLDER, MANAGE_PLACEHOLDER)
# A token as it appears in a Message-ID or a return path (lower-case hex, 128 bits).
TOKEN_RE = r"[0-9a-f]{32}"  # noqa: S105 (a pattern, not a secret)


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    subscriber_id: int
    email: str
    message_id: str


def message_token(message_id: str) -> str:
    """The token of a Message-ID: what stands between "<" and "@"."""
    return message_id[1:].partition("@")[0]


def return_path(*, bounce_address: str, message_id: str) -> str:
    """A message's own return path (VERP): `bounces+{token}@domain` for `bounces@domain`."""
    local, _at, domain = bounce_address.rpartition("@")
    return f"{local}+{message_token(message_id)}@{domain}"


def return_path_tokens(text: str) -> set[str]:
    """The tokens of the return paths that `text` names (see `return_path`)."""
    return set(re.findall(rf"\+({TOKEN_RE})@", text))


def envelope_sender() -> str:
    """Where bounce reports go (they are fed back to `nashr bounces ingest`)."""
    address = str(settings.NASHR_BOUNCE_ADDRESS or from_address())
    return check_one_line(address, where="NASHR_BOUNCE_ADDRESS")


def ascii_address(address: str) -> str:
    """An address with an internationalized domain written in punycode."""
    if address.isascii():
        return address
    local, _sep, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def _qp_line(line: str) -> bytes:
    """One line of text, quoted-printable, in wire form (CRLF, dot-stuffed)."""
    encoded = binascii.b2a_qp(line.encode("utf-8"), istext=True)
    return dot_stuff(encoded.replace(b"=\n", b"=\r\n") + CRLF)


class _Body:
    """A text cut into pre-encoded static runs and the lines that carry placeholders.

    Neighbouring lines with placeholders stay together (one encoding call for them all).
    """

    def __init__(self, text: str) -> None:
        self.parts: list[bytes | str] = []
        run: list[bytes] = []
        links: list[str] = []
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            if any(placeholder in line for placeholder in PLACEHOLDERS):
                if run:
                    self.parts.append(b"".join(run))
                    run = []
                links.append(line)
            else:
                if links:
                    self.parts.append("\n".join(links))
                    links = []
                run.append(_qp_line(line))
        if links:
            self.parts.append("\n".join(links))
        if run:
            self.parts.append(b"".join(run))

    def render(self, out: list[bytes], unsubscribe: str, manage: str) -> None:
        for part in self.parts:
            if isinstance(part, bytes):
                out.append(part)
            else:
                lines = part.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe)
                lines = lines.replace(MANAGE_PLACEHOLDER, manage)
                encoded = binascii.b2a_qp(lines.encode(), istext=True).replace(b"\n", CRLF)
                out.append(dot_stuff(encoded + CRLF))


class IssueMessage:
    """One issue's message; `as_wire()` and `as_email()` personalize it for a recipient."""

    def __init__(self, *, bulletin: Bulletin) -> None:
        series = bulletin.series
        self.series_id = series.pk
        content = bulletin_email_content(
            bulletin=bulletin,
            unsubscribe_url=UNSUBSCRIBE_PLACEHOLDER,
            manage_url=MANAGE_PLACEHOLDER,
        )
        self.content = content
        language = content.language or series.language
        self.unsubscribe = tokens.LinkMaker(
            view="subscribers:unsubscribe", purpose=tokens.UNSUBSCRIBE, language=language
        )
        self.manage = tokens.LinkMaker(
            view="subscribers:data", purpose=tokens.DATA, language=language
        )
        self.from_email = from_address()
        # Rows written before the services checked these fields get no further than here.
        name = check_one_line(series.title, where=f"series “{series.slug}”, title")
        check_one_line(
            content.subject, where=f"issue {bulletin.number} of “{series.slug}”, subject"
        )
        address = ascii_address(email.utils.parseaddr(self.from_email)[1])
        # Django's mail (as_email) takes the From header as text, on one line.
        self.from_header = email.utils.formataddr((name, address), charset="utf-8")
        self.list_id = f"<{series.slug}.{mail_domain()}>"
        self.bounce_address = ascii_address(envelope_sender())
        # With a list address, List-Unsubscribe also offers leaving by mail (RFC 2369): a
        # reader who cannot reach the site's link can still leave (`mail-ingest` reads it).
        self.list_address = ascii_address(mailcommands.list_address())
        self.verp = bool(settings.NASHR_BOUNCE_ADDRESS)
        # "=_" never occurs in quoted-printable text, so any such boundary is safe; taken
        # from the content, the same issue always has the same one (a preview matches).
        digest = hashlib.sha256(f"{content.text}\0{content.html}".encode()).hexdigest()
        boundary = f"=_nashr_{digest[:24]}"
        head = [
            _from_header(name, address),
            _subject_header(content.subject),
            f"Date: {email.utils.formatdate(localtime=False)}\r\n",
            "MIME-Version: 1.0\r\n",
            f"Content-Language: {language}\r\n",
            f"List-Id: {self.list_id}\r\n",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            "Precedence: bulk\r\n",
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n',
        ]
        self.head = ("".join(head) + "\r\n").encode("ascii")
        part_head = (
            f'--{boundary}\r\nContent-Type: text/%s; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        self.text_head = (part_head % "plain").encode("ascii")
        self.html_head = CRLF + (part_head % "html").encode("ascii")
        self.tail = f"\r\n--{boundary}--\r\n".encode("ascii")
        self.text = _Body(content.text)
        self.html = _Body(content.html)
        self.dkim = dkim_signer()

    def envelope_for(self, recipient: Recipient) -> str:
        """The MAIL FROM of the recipient's message: its own return path with a bounce
        address (NASHR_BOUNCE_ADDRESS), else the From address."""
        if self.verp:
            return return_path(bounce_address=self.bounce_address, message_id=recipient.message_id)
        return self.bounce_address

    def links(self, recipient: Recipient) -> tuple[str, str, str]:
        """The recipient's unsubscribe and data links, and their List-Unsubscribe value."""
        token = self.unsubscribe.token(
            subscriber_id=recipient.subscriber_id,
            email=recipient.email,
            series_ids=(self.series_id,),
        )
        unsubscribe = f"{self.unsubscribe.head}{token}{self.unsubscribe.tail}"
        manage = self.manage.url(subscriber_id=recipient.subscriber_id, email=recipient.email)
        header = f"<{unsubscribe}>"
        if self.list_address:
            command = quote(mailcommands.command_text(mailcommands.UNSUBSCRIBE, token), safe="")
            header += f",\r\n <mailto:{self.list_address}?subject={command}>"
        return unsubscribe, manage, header

    def as_wire(self, recipient: Recipient) -> bytes:
        """The message as DATA carries it: CRLF line ends, dot-stuffed, DKIM-signed if set up."""
        unsubscribe, manage, list_unsubscribe = self.links(recipient)
        out = [
            b"To: ",
            ascii_address(recipient.email).encode("ascii"),
            b"\r\nMessage-ID: ",
            recipient.message_id.encode("ascii"),
            b"\r\nList-Unsubscribe: ",
            list_unsubscribe.encode("ascii"),
            b"\r\n",
            self.head,
            self.text_head,
        ]
        self.text.render(out, unsubscribe, manage)
        out.append(self.html_head)
        self.html.render(out, unsubscribe, manage)
        out.append(self.tail)
        wire = b"".join(out)
        if self.dkim is not None:
            # The signature covers the message as received, that is without the stuffing.
            wire = self.dkim(unstuffed(wire)) + wire
        return wire

    def as_email(self, recipient: Recipient, connection: Any = None) -> EmailMultiAlternatives:
        """The same message for Django's mail backends (django-anymail's providers...)."""
        unsubscribe, manage, list_unsubscribe = self.links(recipient)

        def personal(text: str) -> str:
            return text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe).replace(
                MANAGE_PLACEHOLDER, manage
            )

        message = EmailMultiAlternatives(
            subject=self.content.subject,
            body=personal(self.content.text),
            from_email=self.from_header,
            to=[recipient.email],
            connection=connection,
            headers={
                "Message-ID": recipient.message_id,
                "List-Id": self.list_id,
                # One line: Django folds headers itself.
                "List-Unsubscribe": " ".join(list_unsubscribe.split()),
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Content-Language": self.content.language,
                "Precedence": "bulk",
            },
        )
        message.attach_alternative(personal(self.content.html), "text/html")
        return message


# Headers are folded by email.header.Header, with CRLF. Not by the email.policy folder:
# Python 3.11's puts the space between two words as folding whitespace between two
# encoded words, where a reader drops it (RFC 2047, 6.2), so a long Persian subject
# arrives with words run together.


def _subject_header(subject: str) -> str:
    encoded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")
    return f"Subject: {encoded}\r\n"


def _from_header(name: str, address: str) -> str:
    """From: a name in ASCII as it is (quoted if need be), any other as encoded words."""
    if name.isascii():
        return f"From: {email.utils.formataddr((name, address))}\r\n"
    encoded = Header(name, "utf-8", header_name="From").encode(linesep="\r\n")
    return f"From: {encoded}\r\n <{address}>\r\n"


def unstuffed(wire: bytes) -> bytes:
    """The message as the receiving server stores it: the DATA dot-stuffing undone."""
    return wire.replace(b"\r\n..", b"\r\n.")


# Nobody: the .invalid top-level domain never receives mail (RFC 2606), and id 0 is no
# subscriber, so the sample's signed links lead to "this link does not work".
SAMPLE_RECIPIENT = "reader@example.invalid"


def bulletin_message_preview(*, bulletin: Bulletin) -> bytes:
    """The .eml of an issue exactly as a subscriber receives it by SMTP, for a sample reader.

    Built by `IssueMessage.as_wire`, the sender's own code path (DKIM-signed when DKIM is
    configured), for SAMPLE_RECIPIENT; only To, Message-ID, Date and the signed links (so
    also the DKIM signature's values) differ from a real subscriber's copy. A draft gives
    its preview. (A provider's EMAIL_BACKEND gets the same content and headers from
    `as_email`, and encodes the message its own way.)
    """
    recipient = Recipient(
        delivery_id=0,
        subscriber_id=0,
        email=SAMPLE_RECIPIENT,
        message_id=message_id_new(),
    )
    return unstuffed(IssueMessage(bulletin=bulletin).as_wire(recipient))
