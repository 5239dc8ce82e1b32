"""The list address' mail server: a real SMTP server on loopback that delivers into a Maildir,
as Postfix would deliver NASHR_LIST_ADDRESS for `nashr subscribers mail-ingest MAILDIR`."""

from __future__ import annotations

import email.utils
import mailbox
import smtplib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

LIST_ADDRESS = "list@nashr.example"


@dataclass
class ListMailServer:
    """An aiosmtpd server on 127.0.0.1 that accepts mail for LIST_ADDRESS into `maildir`."""

    host: str
    port: int
    maildir: Path

    def send(self, message: EmailMessage | bytes, *, sender: str) -> None:
        """Hand a message to the server over SMTP, as a reader's mail provider would."""
        data = message if isinstance(message, bytes) else message.as_bytes()
        with smtplib.SMTP(self.host, self.port, timeout=10) as client:
            client.sendmail(sender, [LIST_ADDRESS], data)

    def write(
        self, *, sender: str, subject: str, body: str = "", headers: dict[str, str] | None = None
    ) -> None:
        """Send a plain message from `sender` with `subject` to the list address."""
        message = EmailMessage()
        message["From"] = sender
        message["To"] = LIST_ADDRESS
        message["Subject"] = subject
        message["Date"] = email.utils.formatdate()
        message["Message-ID"] = email.utils.make_msgid(domain="example.org")
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(body or "\n")
        self.send(message, sender=sender)


class _MaildirHandler:
    def __init__(self, maildir: Path) -> None:
        self.box = mailbox.Maildir(maildir, create=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() != LIST_ADDRESS:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # A delivering server records the envelope sender as Return-Path.
        stamp = f"Return-Path: <{envelope.mail_from}>\r\n".encode()
        self.box.add(stamp + envelope.original_content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def list_mail(settings: Any, tmp_path: Path, smtp_sink: Any) -> Iterator[ListMailServer]:
    """The list address on: its mail server on loopback (Maildir), Nashr's own mail to the
    `smtp_sink` server."""
    from aiosmtpd.controller import Controller

    server = ListMailServer(host="127.0.0.1", port=_free_port(), maildir=tmp_path / "list")
    controller = Controller(_MaildirHandler(server.maildir), hostname=server.host, port=server.port)
    controller.start()
    settings.NASHR_LIST_ADDRESS = LIST_ADDRESS
    try:
        yield server
    finally:
        controller.stop()
