"""Fixtures of the delivery tests: a DKIM key, and the DNS that publishes it."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def dkim_dns(settings: Any, tmp_path: Any) -> Callable[..., bytes]:
    """DKIM configured with a new key (selector "nashr"); returns a DNS lookup for dkim.verify."""
    key = tmp_path / "dkim.pem"
    subprocess.run(
        ["openssl", "genrsa", "-traditional", "-out", str(key), "1024"],
        check=True,
        capture_output=True,
    )
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    settings.NASHR_DKIM_SELECTOR = "nashr"
    settings.NASHR_DKIM_PRIVATE_KEY_FILE = str(key)
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"nashr._domainkey.nashr.example."
        return record

    return dns
