"""A DKIM key pair for tests, made with openssl as docs/deploy.md makes the real one."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path


def make_dkim_key(path: Path) -> bytes:
    """Write a new RSA private key to `path`; return the DNS TXT record of its public key."""
    subprocess.run(
        ["openssl", "genrsa", "-traditional", "-out", str(path), "1024"],
        check=True,
        capture_output=True,
    )
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(path), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
