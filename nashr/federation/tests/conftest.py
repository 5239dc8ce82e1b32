"""A remote fediverse server on loopback for the federation tests: an actor with its own
key, an inbox that records what it is sent (and verifies each signature), answers that
can be set (an inbox down), and counts of the requests it served."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nashr.federation import signatures


@dataclass
class Received:
    path: str
    activity: dict[str, Any]
    signature_valid: bool


@dataclass
class Peer:
    """A remote server: actor `actor_url` (`@alice@127.0.0.1:port`), its inbox."""

    base: str
    private_key_pem: str
    public_key_pem: str
    received: list[Received] = field(default_factory=list)
    # Status answered to each inbox POST, in turn; 202 once the list is empty.
    inbox_answers: list[int] = field(default_factory=list)
    fetches: int = 0
    # Public keys (PEM) by key id, to check the signatures of what it receives.
    known_keys: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def actor_url(self) -> str:
        return f"{self.base}/users/alice"

    @property
    def key_id(self) -> str:
        return f"{self.actor_url}#main-key"

    @property
    def inbox(self) -> str:
        return f"{self.base}/users/alice/inbox"

    def actor_document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.actor_url,
            "type": "Person",
            "preferredUsername": "alice",
            "inbox": self.inbox,
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "icon": {"type": "Image", "url": f"{self.base}/avatar.png"},
            "publicKey": {
                "id": self.key_id,
                "owner": self.actor_url,
                "publicKeyPem": self.public_key_pem,
            },
        }

    def activities(self, kind: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r.activity for r in self.received if r.activity.get("type") == kind]

    def post(
        self,
        client: Client,
        path: str,
        activity: dict[str, Any],
        *,
        key_pem: str | None = None,
        key_id: str | None = None,
        when: dt.datetime | None = None,
        body: bytes | None = None,
        signed: bool = True,
    ) -> Any:
        """POST `activity` to our `path` as this server would, signed unless told not to."""
        raw = body if body is not None else json.dumps(activity).encode()
        headers: dict[str, str] = {}
        if signed:
            headers = signatures.sign(
                method="POST",
                url=f"http://testserver{path}",
                body=json.dumps(activity).encode() if body is not None else raw,
                key_id=key_id or self.key_id,
                private_key_pem=key_pem or self.private_key_pem,
                now=when or timezone.now(),
            )
        extra: dict[str, Any] = {f"HTTP_{n.upper()}": value for n, value in headers.items()}
        return client.post(path, raw, content_type="application/activity+json", **extra)


class _Handler(BaseHTTPRequestHandler):
    peer: Peer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        peer = self.server.peer  # type: ignore[attr-defined]
        with peer.lock:
            peer.fetches += 1
        if self.path == "/users/alice":
            body = json.dumps(peer.actor_document()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/activity+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(404)
        self.end_headers()

    def do_POST(self) -> None:
        peer = self.server.peer  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with peer.lock:
            status = peer.inbox_answers.pop(0) if peer.inbox_answers else 202
        if status < 300:
            activity = json.loads(body)
            with peer.lock:
                peer.received.append(
                    Received(self.path, activity, _signature_valid(peer, self, body))
                )
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _signature_valid(peer: Peer, handler: BaseHTTPRequestHandler, body: bytes) -> bool:
    try:
        signature = signatures.parse(handler.headers.get("Signature", ""))
        headers = {name.lower(): value for name, value in handler.headers.items()}
        signed = signatures.check_request(
            signature=signature,
            method="POST",
            path=handler.path,
            headers=headers,
            body=body,
            now=timezone.now(),
        )
    except signatures.SignatureError:
        return False
    key = peer.known_keys.get(signature.key_id)
    return key is not None and signatures.verify(
        signature=signature, signing_string=signed, public_key_pem=key
    )


@pytest.fixture
def peer() -> Iterator[Peer]:
    private, public = signatures.key_pair_new()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    found = Peer(
        base=f"http://127.0.0.1:{server.server_address[1]}",
        private_key_pem=private,
        public_key_pem=public,
    )
    server.peer = found  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def federation(settings: Any, db: None) -> Any:
    """The fediverse turned on for a site at http://testserver, loopback peers allowed."""
    settings.NASHR_FEDERATION = True
    settings.NASHR_FEDERATION_ALLOW_PRIVATE = True
    settings.NASHR_SITE_URL = "http://testserver"
    settings.NASHR_FEDERATION_RETRY_BASE = 0
    return settings


@pytest.fixture
def our_key(federation: Any, peer: Peer) -> str:
    """The Persian actor's key, known to the peer (as it would fetch it)."""
    from nashr.federation import documents, keys

    key = keys.actor_key("fa")
    peer.known_keys[documents.key_id("fa")] = key.public_key_pem
    key_en = keys.actor_key("en")
    peer.known_keys[documents.key_id("en")] = key_en.public_key_pem
    return key.public_key_pem
