"""The admin's login steps and the page where staff register their passkeys."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from nashr.accounts import passkeys, selectors, services, sessions
from nashr.accounts.forms import NashrAuthenticationForm, PasswordAgainForm
from nashr.core.exceptions import ApplicationError


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
        "credentials": selectors.passkeys_of(user=request.user),
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
