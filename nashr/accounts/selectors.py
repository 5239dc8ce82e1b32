"""Reads for staff accounts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_otp_webauthn.models import WebAuthnCredential


def passkeys_of(*, user: Any) -> QuerySet[Any]:
    """The user's passkeys and security keys, oldest first."""
    passkeys: QuerySet[Any] = WebAuthnCredential.objects.filter(user=user)
    return passkeys.order_by("created_at")
