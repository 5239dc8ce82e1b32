"""Passkeys and security keys (WebAuthn) as a second factor after the password.

A passkey is bound by the browser to this site's origin: a look-alike site that relays a
password and a TOTP code in real time gets nothing it can use from a passkey. The rules:

- Login is two steps. A login form sent without a TOTP code is refused for everyone, and
  everyone is shown the same passkey step, so that the answer tells nobody whether the
  password was right (nashr/accounts/forms.py). Only when it was, for a user who has a
  passkey, does the session remember that user, for ``PENDING_SECONDS``; the passkey step
  (``PasskeyAuthenticationBegin``/``Complete``) logs that user in once the browser has
  signed the challenge with one of the user's passkeys. The challenge names no
  credential (the browser offers the passkeys it holds for this site), since a list of
  the user's credentials would again say that the password was right.
- With ``NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS`` (and ``NASHR_REQUIRE_2FA``), administrators
  reach the admin only from a session verified by a passkey. One who has no passkey yet
  may still log in with TOTP, to register one: that session opens the enrolment page only.
  One with no second factor at all enrols an authenticator app first (views.second_factor),
  and is sent on to register a passkey.
- Staff register and remove passkeys for their own account only, from the enrolment
  page, once verified by a second factor (or, where 2FA is not required, by their
  password), and only within minutes of proving who they are (the login, or the password
  typed again: ``sessions.REAUTHENTICATION_SECONDS``): a stolen session cannot add its
  thief's key. The account's holder is mailed of every key added or removed.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)
from webauthn.helpers.structs import ResidentKeyRequirement

from nashr.accounts import services, sessions
from nashr.accounts.roles import ADMINISTRATOR
from nashr.core.clients import client_address

# Whose password was right, waiting for the passkey: the user's id, the authentication
# backend that checked the password, and when.
PENDING_SESSION_KEY = "nashr_passkey_pending"
# As long as django-otp-webauthn gives the browser for the ceremony (five minutes).
PENDING_SECONDS = 300


def has_passkey(user: Any) -> bool:
    """True when the user has registered at least one passkey or security key."""
    return bool(
        getattr(user, "pk", None)
        and WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def is_administrator(user: Any) -> bool:
    """Superusers and holders of the administrator role."""
    if getattr(user, "is_superuser", False):
        return True
    groups = getattr(user, "groups", None)
    return groups is not None and groups.filter(name=ADMINISTRATOR).exists()


def must_use_passkey(user: Any) -> bool:
    """True for an administrator when administrators must sign in with a passkey."""
    return (
        bool(settings.NASHR_REQUIRE_2FA)
        and bool(settings.NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS)
        and is_administrator(user)
    )


def verified_by_passkey(user: Any) -> bool:
    """True when the session's second factor was a passkey (not TOTP, not a backup code)."""
    return isinstance(getattr(user, "otp_device", None), WebAuthnCredential)


def may_enrol(user: Any) -> bool:
    """Whether this logged-in user may register a passkey for their own account now."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return not settings.NASHR_REQUIRE_2FA or bool(user.is_verified())


def may_change_passkeys(request: HttpRequest) -> bool:
    """Whether this session may add or remove its user's passkeys now (see above)."""
    return may_enrol(request.user) and sessions.recently_authenticated(request)


def enrolment_only(user: Any) -> bool:
    """An administrator verified by TOTP who must use a passkey and has none yet."""
    return must_use_passkey(user) and not has_passkey(user)


def pending_login_start(request: HttpRequest, user: AbstractBaseUser | None) -> None:
    """Start the passkey step: for this user if the password was right, else for no one."""
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk if user is not None else None,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": time.time(),
    }


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return pending


def pending_login_exists(request: HttpRequest) -> bool:
    """True during a passkey step, whether or not it can succeed."""
    return _pending(request) is not None


def pending_login_user(request: HttpRequest) -> Any:
    """The user whose password was right less than ``PENDING_SECONDS`` ago, or None."""
    pending = _pending(request)
    if pending is None or pending["user"] is None:
        return None
    User = get_user_model()
    user: Any = User._default_manager.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        # auth.login() records the backend that checked the password.
        user.backend = pending["backend"]
    return user


def _ceremony_user(request: HttpRequest) -> Any:
    """The logged-in user, or the one whose password was just right; None otherwise."""
    if request.user.is_authenticated:
        return request.user
    return pending_login_user(request)


class DiscoverablePasskeys(WebAuthnHelper):  # type: ignore[misc]  # untyped library
    """Registers only passkeys the authenticator can find by itself (discoverable).

    The login challenge names no credential (see above), so a key that can only answer
    for a credential id it is given would fail at every login: it is refused at once.
    """

    def get_discoverable_credentials_preference(self) -> ResidentKeyRequirement:
        return ResidentKeyRequirement.REQUIRED

    def register_complete(self, user: Any, state: Any, data: Any) -> Any:
        with transaction.atomic():
            device = super().register_complete(user=user, state=state, data=data)
            services.passkey_enrolment_record(
                actor=user, user=user, device_name=str(getattr(device, "name", ""))
            )
        return device


class PasskeyRegistrationBegin(BeginCredentialRegistrationView):  # type: ignore[misc]  # untyped library
    """Options for registering a passkey, for the logged-in staff member's own account."""

    def check_can_register(self) -> None:
        if not may_change_passkeys(self.request):
            raise exceptions.NotVerified()


class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):  # type: ignore[misc]  # untyped library
    """Store the new passkey of the logged-in staff member."""

    def check_can_register(self) -> None:
        if not may_change_passkeys(self.request):
            raise exceptions.NotVerified()


class _PasskeyStep:
    """Who the ceremony is for; it may start during a passkey step or when logged in."""

    request: HttpRequest

    def get_user(self) -> Any:
        return _ceremony_user(self.request)

    def check_can_authenticate(self) -> None:
        if not (self.request.user.is_authenticated or pending_login_exists(self.request)):
            raise exceptions.PasswordlessLoginDisabled()


class PasskeyAuthenticationBegin(_PasskeyStep, BeginCredentialAuthenticationView):  # type: ignore[misc]  # untyped library
    """A challenge naming no credential, the same whether the password was right or not."""

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        options, state = self.get_helper().authenticate_begin(
            user=None, require_user_verification=False
        )
        self.request.session["otp_webauthn_authentication_state"] = state
        return JsonResponse(options)


class PasskeyAuthenticationComplete(_PasskeyStep, CompleteCredentialAuthenticationView):  # type: ignore[misc]  # untyped library
    """Check the signed challenge; log the pending user in, verified by the passkey."""

    def complete_auth(self, device: WebAuthnCredential) -> None:
        user = self.get_user()
        if user is None or device.user_id != user.pk:
            raise exceptions.CredentialUserMismatch()
        if not self.request.user.is_authenticated:
            auth_login(self.request, user)
            # The form counted the login without a code as failed; it succeeded after all.
            services.login_success_record(
                username=user.get_username(), address=client_address(self.request)
            )
        self.request.session.pop(PENDING_SESSION_KEY, None)
        otp_login(self.request, device)

    def get_success_url(self) -> str:
        return self.get_redirect_url() or reverse("admin:index")
