"""The address a visitor connects from, and the keyed hash it is counted and stored under.

In production the application sits behind one or more reverse proxies (nginx, Caddy, a
CDN), so ``REMOTE_ADDR`` is the nearest proxy's address and the same for every visitor.
Each proxy appends the address it received the request from to ``X-Forwarded-For``;
whatever stands to the left of those entries came from the visitor and may be forged.
With ``NASHR_PROXY_COUNT`` = N trusted proxies the visitor is therefore the N-th entry
from the right. With 0 the header is ignored and ``REMOTE_ADDR`` is the visitor.

Rate limits and lockouts key on ``address_hash(client_address(request))``: a keyed hash,
so no address is ever stored in clear, and one that an attacker cannot compute without
the secret key (an address space is small enough to hash exhaustively).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from ipware import get_client_ip

_NAMESPACE = "nashr.core.clients.address"
# Longer than any IPv6 address with a zone; a WSGI server may put anything in REMOTE_ADDR.
_MAX_LENGTH = 100
# One host or household is given a whole /64 and can pick any address in it.
_IPV6_PREFIX = 64


def client_address(request: HttpRequest | None) -> str:
    """The visitor's IP address, taken past the trusted proxies; "" when unknown."""
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", ""))[:_MAX_LENGTH]
    count: int = settings.NASHR_PROXY_COUNT
    if count > 0:
        header, proxies_in_header = "HTTP_X_FORWARDED_FOR", count - 1
    else:
        header, proxies_in_header = "REMOTE_ADDR", 0
    # ipware's proxy_count counts the proxies listed in the header itself, to the right
    # of the client; the nearest proxy is REMOTE_ADDR and not in it, hence count - 1.
    # strict=False: entries a visitor put to the left must not void the header.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies_in_header,
        request_header_order=(header,),
        strict=False,
        algorithm="modern",
    )
    # No address in the header: the request did not pass all the proxies (a health
    # check on the application's own port), so the peer is the one address known.
    return address if address is not None else remote


def address_hash(address: str) -> str:
    """A keyed hash of an address (of its /64 network for IPv6), hex, never reversible."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        network = address
    else:
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped
        prefix = _IPV6_PREFIX if parsed.version == 6 else 32
        network = str(ipaddress.ip_network((parsed, prefix), strict=False))
    return salted_hmac(_NAMESPACE, network, algorithm="sha256").hexdigest()
