"""Reads for staff accounts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_otp_webauthn.models import WebAuthnCredential


def passkeys_of(*, user: Any) -> QuerySet[Any]:
    """The user's passkeys and security keys, oldest first."""
    passkeys: QuerySet[Any] = WebAuthnCredential.objects.filter(user=user)
    return passkeys.order_by("created_at")


def has_second_factor(*, user: Any) -> bool:
    """True when the user has a confirmed second factor: an app, backup codes or a passkey.

    An unconfirmed device (an enrolment begun and never finished) is none.
    """
    from django_otp import user_has_device

    return bool(getattr(user, "pk", None)) and bool(user_has_device(user, confirmed=True))


def totp_devices_of(*, user: Any) -> QuerySet[Any]:
    """The user's confirmed authenticator apps (TOTP devices), oldest first."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices: QuerySet[Any] = TOTPDevice.objects.filter(user=user, confirmed=True)
    return devices.order_by("created_at", "pk")
