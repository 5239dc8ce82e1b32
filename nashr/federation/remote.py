"""The only requests Nashr makes to the fediverse: fetching a key (an actor's document)
and posting to an inbox. Both pass the same guard first.

The guard refuses a URL that is not http(s), whose host is blocked (``DomainBlock``, with
its subdomains), or that resolves to an address that is not public (loopback, private,
link-local, reserved) unless ``NASHR_FEDERATION_ALLOW_PRIVATE`` is on (the tests' peers
listen on 127.0.0.1). Each redirect is guarded again. A host that answers differently
between the check and the connection (DNS rebinding) is beyond this guard: a firewall
rule for the worker's outgoing traffic is the place for that (docs/deploy.md).
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from nashr.federation import signatures
from nashr.federation.models import DomainBlock

ACTIVITY_JSON = "application/activity+json"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_DOCUMENT = 1_000_000
TIMEOUT = 15


class Refused(Exception):
    """A URL the guard does not let Nashr contact."""


class RemoteError(Exception):
    """A request that failed: no answer, or an error status (`status`, 0 for none)."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def is_blocked(host: str) -> bool:
    """Whether `host` or a domain above it is blocked."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    candidates = {".".join(labels[i:]) for i in range(len(labels))}
    return DomainBlock.objects.filter(domain__in=candidates).exists()


def guard(url: str) -> None:
    """Refuse (`Refused`) a URL Nashr must not contact; see the module's docstring."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Refused(f"{url} is not an http(s) address")
    host = parts.hostname.lower().rstrip(".")
    if is_blocked(host):
        raise Refused(f"{host} is blocked")
    if settings.NASHR_FEDERATION_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Refused(f"{host} cannot be resolved") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise Refused(f"{host} resolves to {address}, which is not a public address")


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 3

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]  # the base's signature
        guard(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _NoDelay:
    """Headers and body leave in two writes: without TCP_NODELAY the body waits for the
    server's delayed ACK (40 ms a request, which is most of a delivery's time)."""

    sock: socket.socket

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]  # the HTTP connection class it is mixed into
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _HTTPConnection(_NoDelay, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_NoDelay, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPSConnection, req)


_opener = urllib.request.build_opener(_GuardedRedirects, _HTTPHandler, _HTTPSHandler)


@dataclass(frozen=True)
class Signer:
    key_id: str
    private_key_pem: str


def _request(
    method: str, url: str, *, body: bytes | None, signer: Signer | None, accept: str
) -> tuple[int, bytes]:
    guard(url)
    headers = {"Accept": accept, "User-Agent": f"Nashr (+{settings.NASHR_SITE_URL})"}
    if body is not None:
        headers["Content-Type"] = ACTIVITY_JSON
    if signer is not None:
        headers.update(
            signatures.sign(
                method=method,
                url=url,
                body=body,
                key_id=signer.key_id,
                private_key_pem=signer.private_key_pem,
                now=timezone.now(),
            )
        )
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310  # guarded above
    try:
        with _opener.open(request, timeout=TIMEOUT) as answer:
            return answer.status, answer.read(MAX_DOCUMENT + 1)
    except urllib.error.HTTPError as exc:
        raise RemoteError(f"{url} answered {exc.code}", status=exc.code) from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise RemoteError(f"{url} could not be reached: {exc}") from exc


def fetch_json(url: str, *, signer: Signer | None) -> dict[str, Any]:
    """The JSON document at `url` (signed with `signer`, as servers in secure mode ask)."""
    _status, content = _request("GET", url, body=None, signer=signer, accept=ACCEPT)
    if len(content) > MAX_DOCUMENT:
        raise RemoteError(f"{url} sent more than {MAX_DOCUMENT} bytes")
    try:
        document = json.loads(content)
    except ValueError as exc:
        raise RemoteError(f"{url} sent no JSON") from exc
    if not isinstance(document, dict):
        raise RemoteError(f"{url} sent no JSON object")
    return document


def post_activity(url: str, *, body: bytes, signer: Signer) -> int:
    """POST the activity `body` to the inbox `url`, signed; the status (raises on an error)."""
    status, _content = _request("POST", url, body=body, signer=signer, accept=ACCEPT)
    return status
