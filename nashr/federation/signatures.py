"""HTTP Signatures as Mastodon makes and checks them (draft-cavage-http-signatures-12).

A request is signed over ``(request-target) host date digest`` with RSA-SHA256
(PKCS#1 v1.5), the key named by ``keyId``: the signer's actor document, ``#main-key``.
A verifier recomputes the signing string from the headers the signature names, and
refuses a signature that leaves out one of those four (a GET has no body and no digest),
a Date outside the window, and a body whose SHA-256 is not the Digest.

Written here on top of `cryptography` (already a dependency) rather than taken from a
library: http-message-signatures and requests-http-signature implement RFC 9421, a
different header format that Mastodon accepts only beside this one, and bovine brings
an asyncio stack for a string of four lines.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import functools
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KEY_BITS = 2048
# Mastodon's own bounds: a signature up to 12 hours old, and clocks an hour apart.
PAST_WINDOW = dt.timedelta(hours=12)
FUTURE_WINDOW = dt.timedelta(hours=1)
REQUIRED_POST = ("(request-target)", "host", "date", "digest")
REQUIRED_GET = ("(request-target)", "host", "date")
_PARAMETER = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*,?')


class SignatureError(Exception):
    """Why a request's signature is refused (said to the sender in the answer)."""


def key_pair_new() -> tuple[str, str]:
    """A new RSA key pair as PEM: (private, public)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@functools.lru_cache(maxsize=16)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    """The key read from PEM, once: OpenSSL checks an RSA key as it loads it (~0.1 s)."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SignatureError("the private key is not an RSA key")
    return key


def digest_header(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def _signing_string(names: list[str], method: str, path: str, headers: dict[str, str]) -> str:
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        else:
            if name not in headers:
                raise SignatureError(f"the signed header {name} is missing")
            lines.append(f"{name}: {headers[name]}")
    return "\n".join(lines)


def sign(
    *,
    method: str,
    url: str,
    body: bytes | None,
    key_id: str,
    private_key_pem: str,
    now: dt.datetime,
) -> dict[str, str]:
    """The headers that sign a request to `url`: Host, Date, Digest (with a body), Signature."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    headers = {"host": parts.netloc, "date": http_date(now)}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["digest"] = digest_header(body)
        names.append("digest")
    text = _signing_string(names, method, path, headers)
    signature = _private_key(private_key_pem).sign(
        text.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return {name.title(): value for name, value in headers.items()}


@dataclass(frozen=True)
class Signature:
    """A Signature header, read."""

    key_id: str
    algorithm: str
    headers: list[str]
    signature: bytes


def parse(header: str) -> Signature:
    """The Signature header's parameters; SignatureError when it cannot be read."""
    values = {key.lower(): value for key, value in _PARAMETER.findall(header)}
    if "keyid" not in values or "signature" not in values:
        raise SignatureError("the Signature header has no keyId or no signature")
    try:
        raw = base64.b64decode(values["signature"], validate=True)
    except ValueError as exc:
        raise SignatureError("the signature is not base64") from exc
    return Signature(
        key_id=values["keyid"],
        algorithm=values.get("algorithm", "hs2019").lower(),
        headers=values.get("headers", "date").lower().split(),
        signature=raw,
    )


def check_request(
    *,
    signature: Signature,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    now: dt.datetime,
) -> str:
    """Everything but the key: the headers signed, the date window, the digest; the
    signing string that the key must have signed. `headers` has lower-case names."""
    if signature.algorithm not in {"rsa-sha256", "hs2019"}:
        raise SignatureError(f"the algorithm {signature.algorithm} is not supported")
    required = REQUIRED_POST if method.upper() == "POST" else REQUIRED_GET
    missing = [name for name in required if name not in signature.headers]
    if missing:
        raise SignatureError(f"the signature does not cover {', '.join(missing)}")
    try:
        date = email.utils.parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError) as exc:
        raise SignatureError("the Date header cannot be read") from exc
    if date.tzinfo is None:
        raise SignatureError("the Date header has no time zone")
    if not now - PAST_WINDOW <= date <= now + FUTURE_WINDOW:
        raise SignatureError("the Date is outside the accepted window (12 hours)")
    if method.upper() == "POST":
        given = headers.get("digest", "")
        algorithms = dict(part.split("=", 1) for part in given.split(",") if "=" in part)
        expected = digest_header(body).split("=", 1)[1]
        if algorithms.get("SHA-256", algorithms.get("sha-256")) != expected:
            raise SignatureError("the Digest does not match the body")
    return _signing_string(signature.headers, method, path, headers)


def verify(*, signature: Signature, signing_string: str, public_key_pem: str) -> bool:
    """Whether `public_key_pem` made `signature` over `signing_string`."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
    except ValueError:
        return False
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(
            signature.signature, signing_string.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature:
        return False
    return True
