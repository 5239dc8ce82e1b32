"""The address a visitor connects from, and the keyed hash it is counted and stored under.

No address is ever stored in clear: what is kept is a keyed hash, which an attacker
holding the database but not the secret key cannot reverse by hashing every address.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_NAMESPACE = "nashr.core.clients"
# Longer than any IPv6 address with a zone; a WSGI server may put anything in REMOTE_ADDR.
_MAX_LENGTH = 100


def client_address(request: HttpRequest | None) -> str:
    """The visitor's IP address (REMOTE_ADDR); "" when unknown."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:_MAX_LENGTH]


def address_hash(address: str) -> str:
    """A keyed hash of an address, hex, never reversible without the secret key."""
    return salted_hmac(_NAMESPACE, address, algorithm="sha256").hexdigest()
