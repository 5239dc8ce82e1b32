"""The admin login: password, then a passkey or a TOTP code when two-factor login is required."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.forms import OTPAuthenticationFormMixin

from nashr.accounts import passkeys, selectors, services
from nashr.core.calendars import to_latin_digits
from nashr.core.clients import client_address

_DIGITS = re.compile(r"^\d{6,8}$")
# The one answer to every refused login when a second factor is asked for.
_REFUSED_WITH_2FA = _(
    "Enter the correct user name, password and two-factor code of a staff account. "
    "Note that the user name and password may be case-sensitive."
)


def refuse_if_locked(*, username: str, address: str) -> None:
    """Refuse a password typed for `username` from `address` while failed logins lock them."""
    lock = services.login_lock(username=username, address=address)
    if lock is not None:
        minutes = max(1, round(lock.seconds / 60))
        raise forms.ValidationError(
            ngettext(
                "Too many failed logins. Try again in %(minutes)d minute.",
                "Too many failed logins. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            code="locked",
        )


class NashrAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):  # type: ignore[misc]  # django-otp ships no types
    """Admin login that slows guessing down and, when required, asks for a TOTP code."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"}
        ),
        help_text=_("The six digits your authenticator app shows, or a backup code."),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    # Set by clean_otp when the password was right and the user's passkey may follow.
    passkey_user: Any = None
    # Set by clean_otp when the password was right and the account has no second factor.
    enrolling = False

    @property
    def requires_2fa(self) -> bool:
        return bool(settings.NASHR_REQUIRE_2FA)

    def clean_otp_token(self) -> str:
        # Persian keyboards type Persian digits.
        return to_latin_digits(self.cleaned_data.get("otp_token") or "").strip().replace(" ", "")

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        refuse_if_locked(username=username, address=address)
        try:
            cleaned = super().clean()
            if self.requires_2fa:
                self.clean_otp(self.get_user())
        except forms.ValidationError:
            services.login_failure_record(username=username, address=address)
            # Whoever holds a phished password must not learn from the answer that it was
            # right: a wrong password and a wrong or missing code get the same message.
            # (An account with no second factor yet is let in, to its enrolment only:
            # see clean_otp.)
            self.user_cache = None
            raise self._refusal() from None
        if self.get_user() is not None:
            # Not on a blank password: no guess was made, so no count may be cleared.
            services.login_success_record(username=username, address=address)
        return cleaned

    def clean_otp(self, user: Any) -> None:
        """A TOTP (or backup) code when one was typed; without one, the passkey step.

        Without a code the login is refused here for every user name and password (the
        view then shows everyone the same passkey step), so the answer tells no one
        whether the password was right; only for a passkey holder whose password was
        right does the passkey step lead anywhere. An administrator who must use a
        passkey and has one cannot use a code instead: a phishing page can relay a code.
        """
        if user is None:
            return
        if not selectors.has_second_factor(user=user):
            # First use: the password alone logs in, to the enrolment page only (the admin
            # site lets an unverified session no further), while enrolment is open
            # (NASHR_ENROLMENT_HOURS after the account was made or an administrator reset
            # it). After that the answer is everyone's: a phished password of an account
            # that never enrolled opens nothing and tells nothing.
            if not selectors.may_enrol_first_factor(user=user):
                raise forms.ValidationError(_REFUSED_WITH_2FA, code="enrolment_closed")
            self.enrolling = True
            return
        if not self.cleaned_data.get("otp_token"):
            if passkeys.has_passkey(user):
                self.passkey_user = user
            raise forms.ValidationError(_REFUSED_WITH_2FA, code="passkey_step")
        if passkeys.must_use_passkey(user) and passkeys.has_passkey(user):
            raise forms.ValidationError(_REFUSED_WITH_2FA, code="passkey_required")
        super().clean_otp(user)

    def _refusal(self) -> forms.ValidationError:
        if not self.requires_2fa:
            error: forms.ValidationError = self.get_invalid_login_error()
            return error
        return forms.ValidationError(_REFUSED_WITH_2FA, code="invalid_login")

    def _chosen_device(self, user: Any) -> Any:
        """The backup codes for a code of letters; digits are tried on every app (below)."""
        from django_otp import devices_for_user
        from django_otp.plugins.otp_static.models import StaticDevice

        devices = list(devices_for_user(user, confirmed=True, for_verify=True))
        if not devices:
            raise forms.ValidationError(_REFUSED_WITH_2FA, code="no_device")
        for device in devices:
            if isinstance(device, StaticDevice):
                return device
        return devices[0]

    def _verify_token(self, user: Any, token: str, device: Any = None) -> Any:
        """A code of digits is checked against each of the user's confirmed apps in turn.

        A user may have several (a phone and its replacement): the first app's refusal
        must not refuse a code from the second. An unconfirmed device is never tried.
        """
        from django_otp.plugins.otp_totp.models import TOTPDevice

        apps = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
        if not _DIGITS.match(token) or not apps.exists():
            return super()._verify_token(user, token, device)
        for app in apps.order_by("pk"):
            allowed, _extra = app.verify_is_allowed()
            if allowed and app.verify_token(token):
                return app
        raise forms.ValidationError(_REFUSED_WITH_2FA, code="invalid_token")

    def _update_form(self, user: Any) -> None:
        """Never echo the password back into the page (django-otp's default does)."""


class PasswordAgainForm(forms.Form):
    """The logged-in staff member's password, typed again before changing their passkeys.

    Counted like a login (the same lock and the same counters): a stolen session must
    not be a way to guess its holder's password.
    """

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        user = self.request.user
        username = user.get_username()
        address = client_address(self.request)
        refuse_if_locked(username=username, address=address)
        if "password" in cleaned and not user.check_password(cleaned["password"]):
            services.login_failure_record(username=username, address=address)
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return cleaned
