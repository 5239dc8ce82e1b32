"""The visitor's address past the trusted proxies, and the keyed hash it is counted under."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from nashr.core.clients import address_hash, client_address

FORWARDED = "192.0.2.1, 203.0.113.7, 198.51.100.2"


def _address(**meta: str) -> str:
    request = RequestFactory().get("/")
    request.META.update(meta)
    return client_address(request)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "10.0.0.1"), (1, "198.51.100.2"), (2, "203.0.113.7"), (3, "192.0.2.1")],
)
def test_address_is_the_nth_forwarded_from_the_right(settings, count: int, expected: str) -> None:
    """N proxies: the visitor is the N-th X-Forwarded-For entry from the right; with 0, the peer."""
    settings.NASHR_PROXY_COUNT = count
    assert _address(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=FORWARDED) == expected


def test_other_forwarding_headers_are_never_trusted(settings) -> None:
    """Headers a visitor can write, other than the proxies' X-Forwarded-For, are ignored."""
    settings.NASHR_PROXY_COUNT = 1
    forged = {"HTTP_X_REAL_IP": "192.0.2.9", "HTTP_CF_CONNECTING_IP": "192.0.2.9"}
    assert _address(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2", **forged) == (
        "198.51.100.2"
    )
    # Fewer entries than proxies: the request did not come through them all.
    assert _address(REMOTE_ADDR="10.0.0.1", **forged) == "10.0.0.1"


def test_address_hash_is_keyed_and_groups_an_ipv6_network(settings) -> None:
    """The hash names no address, changes with the secret key, and covers an IPv6 /64 as one."""
    first = address_hash("203.0.113.7")
    assert "203.0.113.7" not in first and len(first) == 64
    assert first != address_hash("203.0.113.8")
    assert address_hash("2001:db8:1:2::1") == address_hash("2001:db8:1:2:ffff::9")
    assert address_hash("2001:db8:1:2::1") != address_hash("2001:db8:1:3::1")
    assert address_hash("::ffff:203.0.113.7") == first
    settings.SECRET_KEY = "another-test-key-" + "y" * 40
    assert address_hash("203.0.113.7") != first
