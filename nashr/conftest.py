"""Fixtures shared by every app's tests: kinds, signatories and a publication factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Kind, Publication, Signatory, Status


@pytest.fixture
def kinds(db: None) -> dict[str, Kind]:
    """The four kinds every installation starts with (created by a data migration).

    A transactional test (live server, threads) empties every table when it ends,
    the migration's kinds included, so they are made again here when missing.
    """
    from nashr.testing.pages import ensure_default_kinds

    return ensure_default_kinds()


@pytest.fixture
def signatory(db: None) -> Signatory:
    return Signatory.objects.create(
        slug="executive-committee",
        names={"fa": "کمیته اجرایی", "en": "Executive Committee"},
    )


@pytest.fixture
def make_publication(kinds: dict[str, Kind], signatory: Signatory) -> Callable[..., Publication]:
    """A factory: published Persian statements unless told otherwise."""

    def make(**overrides: Any) -> Publication:
        fields: dict[str, Any] = {
            "kind": kinds["statement"],
            "language": "fa",
            "title": "بیانیه درباره آزادی زندانیان سیاسی",
            "body": "متن بیانیه.\n\nپاراگراف دوم.",
            "date": dt.date(2023, 10, 31),
            "signatory": signatory,
            "status": Status.PUBLISHED,
        }
        fields.update(overrides)
        return services.publication_create(actor=COMMAND, **fields)

    return make


@pytest.fixture
def make_staff(db: None) -> Callable[..., Any]:
    """A factory of staff users holding one editorial role (a group from accounts.roles)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(role: str, username: str | None = None, password: str = "a long passphrase 42") -> Any:  # noqa: S107
        user = get_user_model().objects.create_user(
            username=username or role, password=password, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


# The browser, HTML checker and accessibility checker fixtures, and the representative
# site content that the public-page checks use (see nashr/testing/).
pytest_plugins = ["nashr.testing.plugin", "nashr.testing.clock"]


# --- subscribers and delivery: a real SMTP server on loopback, issues, subscribers ---------

import socket  # noqa: E402
import threading  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from django.utils import timezone  # noqa: E402


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class SmtpSink:
    """What an aiosmtpd server on 127.0.0.1 received, and the answers it is told to give."""

    host: str
    port: int
    messages: list[ReceivedMail] = field(default_factory=list)
    # address -> replies to give to RCPT TO, one per attempt, before accepting it.
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    # address -> replies to give at the end of DATA (the message is then not kept).
    data_replies: dict[str, list[str]] = field(default_factory=dict)
    # Called (in a thread of its own, so it may use the database) with each message as it
    # arrives, before the server answers it.
    on_message: Callable[[ReceivedMail], None] | None = None
    sessions: int = 0
    # Offer PIPELINING (RFC 2920), as most mail servers do; aiosmtpd handles it, unadvertised.
    pipelining: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[ReceivedMail]:
        with self.lock:
            return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


class _SinkHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.sink.lock:
            self.sink.sessions += 1
        session.host_name = hostname
        if self.sink.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.sink.lock:
            replies = self.sink.rcpt_replies.get(address.lower())
            if replies:
                return replies.pop(0) if len(replies) > 1 or replies[0][0] == "4" else replies[0]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        received = ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        if self.sink.on_message is not None:
            hook = threading.Thread(
                target=_with_own_connection, args=(self.sink.on_message, received)
            )
            hook.start()
            hook.join()
        with self.sink.lock:
            for address in envelope.rcpt_tos:
                replies = self.sink.data_replies.get(address.lower())
                if replies:
                    return replies.pop(0)
            self.sink.messages.append(received)
        return "250 OK"


def _with_own_connection(function: Callable[[ReceivedMail], None], received: ReceivedMail) -> None:
    from django.db import connection

    try:
        function(received)
    finally:
        connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """An aiosmtpd server on a free loopback port; Django's SMTP settings point at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=_free_port())
    controller = Controller(
        _SinkHandler(sink), hostname=sink.host, port=sink.port, data_size_limit=10_000_000
    )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.NASHR_SITE_URL = "https://nashr.example"
    settings.DEFAULT_FROM_EMAIL = "bulletin@nashr.example"
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def make_series(db: None) -> Callable[..., Any]:
    """A factory of series (English "Iran Bulletin", numbered from 47, unless told otherwise)."""
    from nashr.bulletins.services import series_create_or_update

    def make(**overrides: Any) -> Any:
        fields: dict[str, Any] = {
            "slug": "iran-bulletin",
            "title": "Iran Bulletin",
            "language": "en",
            "label": "IRAN:",
            "first_number": 47,
        }
        fields.update(overrides)
        return series_create_or_update(actor=COMMAND, **fields)[0]

    return make


@pytest.fixture
def publish_issue(db: None) -> Callable[..., Any]:
    """A factory: the next issue of a series, drafted and published by the bulletin services."""
    from nashr.bulletins.services import bulletin_draft, bulletin_publish

    def publish(series: Any, **overrides: Any) -> Any:
        fields: dict[str, Any] = {
            "year": 2023 if series.language == "en" else 1402,
            "month": 11 if series.language == "en" else 8,
            "editorial_title": "“Woman, Life, Freedom”",
            "editorial_body": "The month in a few paragraphs.",
        }
        fields.update(overrides)
        return bulletin_publish(
            actor=COMMAND, bulletin=bulletin_draft(actor=COMMAND, series=series, **fields)
        )

    return publish


@pytest.fixture
def published_bulletin(make_series: Callable[..., Any], publish_issue: Callable[..., Any]) -> Any:
    """Issue NO.47 of the English series "Iran Bulletin", published."""
    return publish_issue(make_series())


@pytest.fixture
def make_subscribers(db: None) -> Callable[..., list[Any]]:
    """A factory: `count` subscribers on a series' list, confirmed unless told otherwise."""
    from nashr.subscribers.models import Subscriber, Subscription

    def make(
        series: Any, count: int, *, status: str = "confirmed", prefix: str = "reader"
    ) -> list[Any]:
        now = timezone.now()
        confirmed = status == "confirmed"
        subscribers = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"{prefix}{index}@example.org",
                language=series.language,
                status=status,
                consented_at=now,
                confirmed_at=now if confirmed else None,
            )
            for index in range(count)
        )
        Subscription.objects.bulk_create(
            Subscription(
                subscriber=subscriber,
                series=series,
                status="confirmed" if confirmed else "pending",
                consented_at=now,
                confirmed_at=now if confirmed else None,
            )
            for subscriber in subscribers
        )
        return subscribers

    return make


# A DKIM key and the DNS that publishes it: bulletins (nashr.delivery) and every other mail
# (nashr.core.smtp) are signed with it.
from nashr.testing.dkim import make_dkim_key  # noqa: E402


@pytest.fixture
def dkim_dns(settings: Any, tmp_path: Any) -> Callable[..., bytes]:
    """DKIM configured with a new key (selector "nashr"); returns a DNS lookup for dkim.verify."""
    key = tmp_path / "dkim.pem"
    record = make_dkim_key(key)
    settings.NASHR_DKIM_SELECTOR = "nashr"
    settings.NASHR_DKIM_PRIVATE_KEY_FILE = str(key)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"nashr._domainkey.nashr.example."
        return record

    return dns
