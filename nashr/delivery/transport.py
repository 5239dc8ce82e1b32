"""How one worker hands messages to the mail system, over one connection it reuses.

SMTP (Django's SMTP settings) goes straight through smtplib with the prebuilt bytes; any
other EMAIL_BACKEND (django-anymail's providers, the console...) gets Django email objects.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import struct
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.conf import settings
from django.core.mail import get_connection

from nashr.delivery.message import IssueMessage, Recipient, ascii_address
from nashr.delivery.smtp import (
    Ambiguous,
    Refused,
    can_pipeline,
    envelope_commands,
    finish_content,
    send_content,
    send_envelope,
)

# Django's SMTP backend and Nashr's (which DKIM-signs what Django sends): either way a
# bulletin goes over SMTP by smtplib, as_wire's bytes signed by the same signer.
SMTP_BACKENDS = frozenset(
    {"django.core.mail.backends.smtp.EmailBackend", "nashr.core.smtp.EmailBackend"}
)


class Result(Enum):
    SENT = "sent"
    TEMPORARY = "temporary"  # 4xx, or the connection failed: try again later
    PERMANENT = "permanent"  # 5xx: never try this message again


@dataclass(frozen=True)
class Outcome:
    result: Result
    error: str = ""
    # The connection broke after the message was handed over: it may have arrived.
    maybe_delivered: bool = False


SENT = Outcome(Result.SENT)


def _classify(code: int, text: str | bytes) -> Outcome:
    reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    error = f"{code} {reply}".strip()
    if 500 <= code < 600:
        return Outcome(Result.PERMANENT, error)
    return Outcome(Result.TEMPORARY, error)


class Transport:
    def send(self, recipient: Recipient, message: IssueMessage) -> Outcome:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SmtpTransport(Transport):
    def __init__(self) -> None:
        self.connection: smtplib.SMTP | None = None
        self.replies: list[tuple[int, bytes]] | None = None
        self.wire = b""
        self.pipelining = False
        # The delivery whose envelope went ahead with the last message's content (its
        # replies come after that message's answer), or None.
        self.ahead: int | None = None

    def _open(self) -> smtplib.SMTP:
        timeout = settings.EMAIL_TIMEOUT
        connection: smtplib.SMTP
        if settings.EMAIL_USE_SSL:
            connection = smtplib.SMTP_SSL(
                settings.EMAIL_HOST,
                settings.EMAIL_PORT,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            connection = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout)
            if settings.EMAIL_USE_TLS:
                connection.starttls(context=ssl.create_default_context())
        if settings.EMAIL_HOST_USER:
            connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        _kernel_timeouts(connection, timeout)
        return connection

    def send(self, recipient: Recipient, message: IssueMessage) -> Outcome:
        return self.begin(recipient, message) or self.middle() or self.end()

    # The transaction in three steps (see smtp.py): a step returns an Outcome when the
    # transaction ended there, None when it goes on with the next step.

    def begin(
        self, recipient: Recipient, message: IssueMessage, wire: bytes | None = None
    ) -> Outcome | None:
        """Build the message (unless given built) and send the envelope (MAIL, RCPT, DATA),
        unless it went ahead with the last message (see middle())."""
        self.wire = message.as_wire(recipient) if wire is None else wire
        if self.ahead is not None:
            if self.ahead == recipient.delivery_id and self.connection is not None:
                self.ahead = None
                self.replies = None  # they are read by middle()
                return None
            self.abandon()  # never happens: an envelope went ahead for another message
        if self.connection is None:
            try:
                self.connection = self._open()
                self.pipelining = can_pipeline(self.connection)
            except smtplib.SMTPResponseException as exc:
                self.close()
                return _classify(exc.smtp_code, exc.smtp_error)
            except (OSError, smtplib.SMTPException) as exc:
                self.close()
                return Outcome(Result.TEMPORARY, f"cannot connect to the mail server: {exc}")
        try:
            self.replies = send_envelope(
                self.connection, message.envelope_for(recipient), ascii_address(recipient.email)
            )
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            return Outcome(Result.TEMPORARY, f"the connection broke: {exc}")
        return None

    def middle(self, following: Recipient | None = None, sender: str = "") -> Outcome | None:
        """The envelope's replies, then the message itself.

        `following`: a recipient whose envelope (from `sender`) goes out with this
        message's content when the server offers PIPELINING; then `ahead` names it. Only
        its envelope: it is delivered once its own content follows, when begin() and
        middle() are called for it after this message's answer.
        """
        assert self.connection is not None
        commands = b""
        if following is not None and self.pipelining:
            commands = envelope_commands(sender, ascii_address(following.email))
        try:
            send_content(self.connection, self.replies, self.wire, commands)
            if following is not None and commands:
                self.ahead = following.delivery_id
        except Refused as exc:
            return self._refused(exc)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            return Outcome(Result.TEMPORARY, f"the connection broke: {exc}")
        return None

    def end(self) -> Outcome:
        """The server's answer to the message."""
        assert self.connection is not None
        try:
            finish_content(self.connection)
        except Refused as exc:
            return self._refused(exc)
        except Ambiguous as exc:
            self.close()
            return Outcome(Result.TEMPORARY, f"the connection broke: {exc}", maybe_delivered=True)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            return Outcome(Result.TEMPORARY, f"the connection broke: {exc}")
        return SENT

    def _refused(self, exc: Refused) -> Outcome:
        if self.connection is not None and self.connection.sock is None:
            self.connection = None  # 421: the server closed the connection
            self.ahead = None
        return _classify(exc.code, exc.text)

    def abandon(self) -> None:
        """Drop the connection at once: an envelope sent ahead leaves the server waiting
        for content (after DATA), which cannot be cancelled, only cut off unfinished."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        self.ahead = None

    def close(self) -> None:
        if self.ahead is not None:
            self.abandon()
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


def _kernel_timeouts(connection: smtplib.SMTP, timeout: float | None) -> None:
    """Let the kernel enforce the connection's timeout (SO_RCVTIMEO, SO_SNDTIMEO).

    A Python-level socket timeout costs a poll() before every send and every receive, four
    system calls a message. With the kernel's timeouts a stalled server still ends in an
    OSError (EAGAIN), or in an empty read that smtplib reports as a lost connection: the
    message is then retried, as after any broken connection.
    """
    sock = connection.sock
    if sock is None or not timeout:
        return
    seconds = int(timeout)
    interval = struct.pack("ll", seconds, int((timeout - seconds) * 1_000_000))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, interval)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, interval)
    sock.settimeout(None)


class BackendTransport(Transport):
    """Any Django email backend, configured only through settings (EMAIL_BACKEND, ANYMAIL)."""

    def __init__(self) -> None:
        self.connection: Any = get_connection(fail_silently=False)
        self.opened = False

    def send(self, recipient: Recipient, message: IssueMessage) -> Outcome:
        try:
            if not self.opened:
                self.connection.open()
                self.opened = True
            sent = message.as_email(recipient, connection=self.connection).send()
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (450, b"recipient refused"))
            return _classify(code, text)
        except smtplib.SMTPResponseException as exc:
            return _classify(exc.smtp_code, exc.smtp_error)
        except Exception as exc:  # providers raise their own error classes
            if type(exc).__name__ == "AnymailRecipientsRefused":
                return Outcome(Result.PERMANENT, str(exc))
            return Outcome(Result.TEMPORARY, f"{type(exc).__name__}: {exc}")
        if sent != 1:
            return Outcome(Result.TEMPORARY, "the mail backend did not send the message")
        return SENT

    def close(self) -> None:
        if self.opened:
            self.connection.close()
            self.opened = False


def make_transport() -> Transport:
    if settings.EMAIL_BACKEND in SMTP_BACKENDS:
        return SmtpTransport()
    return BackendTransport()
