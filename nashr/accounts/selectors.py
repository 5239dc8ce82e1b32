"""Reads for staff accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from nashr.audit.selectors import audit_last_at


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


# What opens a staff account's self-enrolment again (its creation does too): an
# administrator removing a lost factor, or opening it on the staff list.
ENROLMENT_OPENERS = (
    "staff.totp_remove",
    "staff.backup_codes_remove",
    "staff.passkey_remove",
    "staff.enrolment_open",
)


def enrolment_open_until(*, user: Any) -> dt.datetime | None:
    """Until when the account's holder may enrol a first second factor with the password
    alone; None once it has one.

    NASHR_ENROLMENT_HOURS after the account was made, or after an administrator last
    removed one of its factors or opened enrolment: a password phished later from an
    account that never enrolled opens nothing.
    """
    if has_second_factor(user=user):
        return None
    opened = audit_last_at(actions=ENROLMENT_OPENERS, target=user)
    joined: dt.datetime = user.date_joined
    start = joined if opened is None else max(joined, opened)
    return start + dt.timedelta(hours=settings.NASHR_ENROLMENT_HOURS)


def may_enrol_first_factor(*, user: Any) -> bool:
    until = enrolment_open_until(user=user)
    return until is not None and timezone.now() < until


def totp_devices_of(*, user: Any) -> QuerySet[Any]:
    """The user's confirmed authenticator apps (TOTP devices), oldest first."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices: QuerySet[Any] = TOTPDevice.objects.filter(user=user, confirmed=True)
    return devices.order_by("created_at", "pk")
