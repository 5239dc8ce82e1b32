"""The admin's login steps, and the pages where staff enrol their own second factors."""

from __future__ import annotations

import base64
import textwrap
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login

from nashr.accounts import passkeys, selectors, services, sessions
from nashr.accounts.forms import NashrAuthenticationForm, PasswordAgainForm
from nashr.core.calendars import format_datetime
from nashr.core.exceptions import ApplicationError
from nashr.core.languages import current_language


def _safe_next(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


class PasswordThenSecondFactorLoginView(LoginView):
    """Django's login, except that a right password alone may lead to the passkey step."""

    admin_site_name = "admin"

    def form_invalid(self, form: NashrAuthenticationForm) -> HttpResponse:  # type: ignore[override]  # the admin's form
        """Without a code, every refused login goes on to the same passkey step.

        Only a lockout, or an empty user name or password, is answered on the form: those
        answers say nothing about the password.
        """
        codes = {error.code for error in form.non_field_errors().as_data()}
        if (
            not form.requires_2fa
            or form.data.get("otp_token")
            or "locked" in codes
            or form.has_error("username")
            or form.has_error("password")
        ):
            return super().form_invalid(form)
        passkeys.pending_login_start(self.request, form.passkey_user)
        step = reverse("admin:passkey_login", current_app=self.admin_site_name)
        index = reverse("admin:index", current_app=self.admin_site_name)
        query = urlencode({REDIRECT_FIELD_NAME: _safe_next(self.request, index)})
        return HttpResponseRedirect(f"{step}?{query}")

    def get_success_url(self) -> str:
        if needs_enrolment(self.request.user):
            return reverse("admin:second_factor", current_app=self.admin_site_name)
        if passkeys.enrolment_only(self.request.user):
            return reverse("admin:passkeys", current_app=self.admin_site_name)
        return super().get_success_url()


def passkey_login(request: HttpRequest, *, site: AdminSite) -> HttpResponse:
    """The second login step: the browser signs a challenge with the user's passkey."""
    if not passkeys.pending_login_exists(request):
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    context = {
        **site.each_context(request),
        "title": _("Use your passkey"),
        "subtitle": None,
        "next": _safe_next(request, reverse("admin:index", current_app=site.name)),
    }
    request.current_app = site.name
    return render(request, "admin/nashr/passkey_login.html", context)


def passkey_list(request: HttpRequest, *, site: AdminSite) -> HttpResponse:
    """The logged-in staff member's passkeys, and the buttons that register or remove one.

    Both need an authentication of the last few minutes: without one, the page asks for
    the password first (see passkeys.py).
    """
    if not passkeys.may_enrol(request.user):
        login = reverse("admin:login", current_app=site.name)
        return HttpResponseRedirect(f"{login}?{urlencode({REDIRECT_FIELD_NAME: request.path})}")
    password_form = PasswordAgainForm(
        request.POST if request.method == "POST" and "password" in request.POST else None,
        request=request,
    )
    if request.method == "POST":
        if "remove" in request.POST:
            _passkey_remove(request)
            return HttpResponseRedirect(request.path)
        if password_form.is_valid():
            sessions.authentication_record(request)
            return HttpResponseRedirect(request.path)
    context: dict[str, Any] = {
        **site.each_context(request),
        "title": _("Your passkeys and security keys"),
        "subtitle": None,
        "credentials": [
            (
                credential,
                format_datetime(credential.created_at, current_language()),
                format_datetime(credential.last_used_at, current_language()),
            )
            for credential in selectors.passkeys_of(user=request.user)
        ],
        "enrolment_only": passkeys.enrolment_only(request.user),
        "may_change": passkeys.may_change_passkeys(request),
        "password_form": password_form,
    }
    request.current_app = site.name
    return render(request, "admin/nashr/passkeys.html", context)


def _passkey_remove(request: HttpRequest) -> None:
    if not passkeys.may_change_passkeys(request):
        messages.error(request, _("Type your password again to remove a passkey."))
        return
    try:
        credential_id = int(request.POST["remove"])
        name = services.passkey_remove(
            actor=request.user, user=request.user, credential_id=credential_id
        )
    except (ValueError, ApplicationError) as error:
        messages.error(request, str(error))
        return
    messages.success(request, _("The passkey “%(name)s” was removed.") % {"name": name})


def needs_enrolment(user: Any) -> bool:
    """A logged-in staff member who must log in with a second factor and has none yet."""
    return (
        bool(settings.NASHR_REQUIRE_2FA)
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and not selectors.has_second_factor(user=user)
    )


def second_factor(request: HttpRequest, *, site: AdminSite) -> HttpResponse:
    """The logged-in staff member's own second factor: enrol an authenticator app, or see it.

    Reached right after the password when the account has none yet, and from the admin's
    front page. The page only ever concerns ``request.user``: no account is named in the
    address or the form, and the services refuse a device of another account.
    """
    user: Any = request.user
    login = reverse("admin:login", current_app=site.name)
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return HttpResponseRedirect(f"{login}?{urlencode({REDIRECT_FIELD_NAME: request.path})}")
    request.current_app = site.name
    context: dict[str, Any] = {
        **site.each_context(request),
        "title": _("Your second factor"),
        "subtitle": None,
    }
    if selectors.has_second_factor(user=user):
        if settings.NASHR_REQUIRE_2FA and not user.is_verified():
            # Logged in by password only, with a factor to log in with: log in with it.
            return HttpResponseRedirect(login)
        context["apps"] = [
            (app, format_datetime(app.created_at, current_language()))
            for app in selectors.totp_devices_of(user=user)
        ]
        context["passkey_count"] = selectors.passkeys_of(user=user).count()
        return render(request, "admin/nashr/second_factor.html", context)

    form = EnrolmentCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device = services.totp_enrolment_confirm(
                actor=user,
                user=user,
                device_id=_int(request.POST.get("device")),
                token=form.cleaned_data["code"],
            )
        except ApplicationError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            if passkeys.enrolment_only(user):
                return HttpResponseRedirect(reverse("admin:passkeys", current_app=site.name))
            index = reverse("admin:index", current_app=site.name)
            return HttpResponseRedirect(_safe_next(request, index))
    try:
        device = services.totp_enrolment_start(actor=user, user=user)
    except ApplicationError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(login)
    context.update(
        {
            "device": device,
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret_groups": _secret_groups(device.bin_key),
            "passkey_next": passkeys.must_use_passkey(user),
        }
    )
    return render(request, "admin/nashr/second_factor.html", context)


class EnrolmentCodeForm(forms.Form):
    """The code the new authenticator app shows, which confirms it."""

    code = forms.CharField(
        label=_("The code your app shows"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"}
        ),
        help_text=_("Six digits; the app shows a new code every half minute."),
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _qr_svg(data: str) -> SafeString:
    """`data` as a QR code, an inline SVG element (no image request, no script)."""
    code = qrcode.QRCode(border=2, image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(data)
    svg: str = code.make_image().to_string(encoding="unicode")
    # Drop the XML declaration: the element is part of an HTML page.
    svg = svg[svg.index("<svg") :]
    # Built here from the device's own URI, which the QR code encodes as a path: no text.
    return mark_safe(svg)


def _secret_groups(key: bytes) -> list[str]:
    """The key in base32, as typed into an app by hand, in groups of four letters."""
    secret = base64.b32encode(key).decode("ascii").rstrip("=")
    return textwrap.wrap(secret, 4)
