"""One SMTP transaction with a prepared message, on an open smtplib connection.

smtplib's `sendmail()` parses both addresses with the email package and rewrites the
whole message twice (line ends, dot-stuffing) for every recipient. A bulletin's bytes
are built once in wire form (CRLF, dot-stuffed), so here they are written as they are, and
MAIL, RCPT and DATA go in one write when the server offers PIPELINING (RFC 2920). On a
connection that carries many messages, the next message's MAIL, RCPT and DATA may go in
the same write as this message's content ("the actual transfer of message content is
explicitly allowed to be the first command in a group", RFC 2920, 3.1): one round trip a
message instead of two. An envelope alone delivers nothing: the next message is only
delivered once its content follows, which the caller decides after this one's answer.
No Django import: bench/send.py's minimal sender uses the very same code.
"""

from __future__ import annotations

import smtplib


class Ambiguous(Exception):
    """The connection broke after the whole message was sent: it may have been accepted."""


class Refused(Exception):
    """The server answered a command of the transaction with an error (4xx or 5xx)."""

    def __init__(self, code: int, text: bytes, stage: str) -> None:
        super().__init__(code, text, stage)
        self.code = code
        self.text = text
        self.stage = stage


def dot_stuff(data: bytes) -> bytes:
    """Wire form of a CRLF message: a line that starts with a dot gets another one."""
    stuffed = data.replace(b"\r\n.", b"\r\n..")
    return b"." + stuffed if stuffed.startswith(b".") else stuffed


def send_prepared(connection: smtplib.SMTP, sender: str, recipient: str, wire: bytes) -> None:
    """Deliver `wire` (CRLF line ends, dot-stuffed, ending in CRLF) to one recipient.

    Raises Refused with the first error reply; the connection is reset and stays usable.
    Connection failures raise smtplib.SMTPServerDisconnected or OSError.
    """
    replies = send_envelope(connection, sender, recipient)
    send_content(connection, replies, wire)
    finish_content(connection)


def can_pipeline(connection: smtplib.SMTP) -> bool:
    """Whether the server offered PIPELINING (after EHLO, which this sends if needed)."""
    connection.ehlo_or_helo_if_needed()
    return bool(connection.does_esmtp and connection.has_extn("pipelining"))


def envelope_commands(sender: str, recipient: str) -> bytes:
    return f"MAIL FROM:<{sender}>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n".encode("ascii")


# The same transaction in three steps, so that one thread can drive several connections:
# it writes a step on each connection before it waits for the replies of the first one.


def send_envelope(
    connection: smtplib.SMTP, sender: str, recipient: str
) -> list[tuple[int, bytes]] | None:
    """MAIL, RCPT and DATA. With PIPELINING they are only written (their replies are read
    by send_content: None); without it they are sent one by one and the replies returned."""
    commands = envelope_commands(sender, recipient)
    if can_pipeline(connection):
        connection.send(commands)
        return None
    replies: list[tuple[int, bytes]] = []
    for line in commands.split(b"\r\n")[:3]:
        connection.send(line + b"\r\n")
        replies.append(connection.getreply())
        if replies[-1][0] >= 400:
            break
    return replies


def send_content(
    connection: smtplib.SMTP,
    replies: list[tuple[int, bytes]] | None,
    wire: bytes,
    following: bytes = b"",
) -> None:
    """Check the envelope's replies (reading them if pipelined), then write the message.

    `following`: the next message's envelope_commands(), written with this message's
    content (PIPELINING only); its replies follow this message's answer, and are read by
    the next send_content(…, None, …) on the connection.
    """
    if replies is None:
        replies = [connection.getreply() for _stage in range(3)]
    for stage, (code, text) in zip(("MAIL", "RCPT", "DATA"), replies, strict=False):
        expected = 354 if stage == "DATA" else 250
        if code != expected and not (stage == "RCPT" and code == 251):
            if replies[-1][0] == 354:
                # Only a broken server accepts DATA after a refusal; end it with nothing.
                connection.send(b".\r\n")
                connection.getreply()
            _reset(connection, code)
            raise Refused(code, text, stage)
    connection.send(b"".join((wire, b".\r\n", following)))


def finish_content(connection: smtplib.SMTP) -> None:
    """The server's answer to the message: 250, or Refused; Ambiguous if the line broke.

    The answer ends the transaction whatever it is (RFC 5321, 4.1.1.4), so a refusal needs
    no RSET, and none may be sent: the next envelope may already be on its way.
    """
    try:
        code, text = connection.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise Ambiguous(str(exc)) from exc
    if code != 250:
        if code == 421:  # the server is closing the connection
            connection.close()
        raise Refused(code, text, "DATA")


def _reset(connection: smtplib.SMTP, code: int) -> None:
    if code == 421:  # the server is closing the connection
        connection.close()
        return
    try:
        connection.rset()
    except smtplib.SMTPServerDisconnected:
        connection.close()
