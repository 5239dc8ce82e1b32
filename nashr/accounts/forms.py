"""The admin login: password, then a passkey or a TOTP code when two-factor login is required."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.forms import OTPAuthenticationFormMixin

from nashr.accounts import passkeys, services
from nashr.core.calendars import to_latin_digits

_DIGITS = re.compile(r"^\d{6,8}$")


def client_address(request: HttpRequest | None) -> str:
    """The address the request came from (REMOTE_ADDR; a proxy must set it right)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:100]


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

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "no_device": _(
            "This account has no two-factor device yet. Ask an administrator to run "
            "“nashr enrol_totp %(username)s” and scan the code it prints."
        ),
        "passkey_required": _(
            "Administrators sign in with their passkey or security key, not with a code. "
            "Leave the code empty and log in again to use it."
        ),
    }
    # Set by clean_otp when the password was right and the passkey step is next.
    passkey_user: Any = None

    @property
    def requires_2fa(self) -> bool:
        return bool(settings.NASHR_REQUIRE_2FA)

    def clean_otp_token(self) -> str:
        # Persian keyboards type Persian digits.
        return to_latin_digits(self.cleaned_data.get("otp_token") or "").strip().replace(" ", "")

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
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
        try:
            cleaned = super().clean()
            if self.requires_2fa:
                self.clean_otp(self.get_user())
        except forms.ValidationError:
            services.login_failure_record(username=username, address=address)
            raise
        services.login_success_record(username=username)
        return cleaned

    def clean_otp(self, user: Any) -> None:
        """A passkey step when the user has one and typed no code; a TOTP code otherwise.

        An administrator who must use a passkey and has one cannot use a code instead: a
        code can be relayed by a phishing page, a passkey cannot.
        """
        if user is None:
            return
        if passkeys.has_passkey(user):
            if not self.cleaned_data.get("otp_token"):
                self.passkey_user = user
                return
            if passkeys.must_use_passkey(user):
                raise forms.ValidationError(
                    self.error_messages["passkey_required"], code="passkey_required"
                )
        super().clean_otp(user)

    def _chosen_device(self, user: Any) -> Any:
        """The user's TOTP device for a code of digits, the backup codes otherwise."""
        from django_otp import devices_for_user
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        devices = list(devices_for_user(user, confirmed=True, for_verify=True))
        if not devices:
            raise forms.ValidationError(
                self.error_messages["no_device"],
                code="no_device",
                params={"username": user.get_username()},
            )
        token = self.cleaned_data.get("otp_token") or ""
        wanted = TOTPDevice if _DIGITS.match(token) else StaticDevice
        for device in devices:
            if isinstance(device, wanted):
                return device
        return devices[0]

    def _update_form(self, user: Any) -> None:
        """Never echo the password back into the page (django-otp's default does)."""
