"""The keyed hashes a commenter is known by: nothing that names them is stored.

An email hash recognises the same commenter from one comment to the next (trust after
approvals, blocks). An address hash mixes in the day: comments and rate limits of one
day can be tied to one address, those of two days cannot, and the hash of an address
cannot be recomputed without the secret key (the address space is small enough to hash
exhaustively otherwise).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.crypto import salted_hmac

from nashr.core.clients import address_hash


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    """A keyed hash of the address, "" for none; the same address gives the same hash."""
    address = normalize_email(email)
    if not address:
        return ""
    return salted_hmac("nashr.comments.email", address, algorithm="sha256").hexdigest()


def daily_address_hash(address: str, *, day: dt.date | None = None) -> str:
    """A keyed hash of the client address that changes at midnight UTC; "" for none."""
    if not address:
        return ""
    today = day or timezone.now().date()
    value = f"{today.isoformat()}:{address_hash(address)}"
    return salted_hmac("nashr.comments.address", value, algorithm="sha256").hexdigest()
