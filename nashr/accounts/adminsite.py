"""Nashr's admin site: two-factor login when required, every write audited, dashboards."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from nashr.accounts import passkeys, views
from nashr.accounts.forms import NashrAuthenticationForm
from nashr.audit.admin_trail import audited
from nashr.audit.services import audit_record
from nashr.core.admin import IndexLink
from nashr.core.htmldigits import localize_html_digits
from nashr.core.languages import current_language, site_language

# Sections of third-party apps, named in words an editor's administrator reads (their own
# names are not translatable, or are code: "Otp_Totp", "Tasks Database Backend").
THIRD_PARTY_APPS = {
    "otp_totp": _("Two-factor: authenticator apps"),
    "otp_static": _("Two-factor: backup codes"),
    "django_otp_webauthn": _("Two-factor: passkeys"),
    "django_tasks_database": _("Background tasks"),
}
THIRD_PARTY_MODELS = {
    ("otp_totp", "TOTPDevice"): _("Authenticator apps (TOTP)"),
    ("otp_static", "StaticDevice"): _("Backup codes"),
    ("django_tasks_database", "DBTaskResult"): _("Background task results"),
}
# Their names in titles and summaries ("۱ برنامه‌ی تأیید هویت"): singular and plural.
THIRD_PARTY_MODEL_NAMES = {
    ("otp_totp", "TOTPDevice"): (_("authenticator app"), _("authenticator apps")),
    ("otp_static", "StaticDevice"): (_("set of backup codes"), _("sets of backup codes")),
    ("otp_static", "StaticToken"): (_("backup code"), _("backup codes")),
    ("django_tasks_database", "DBTaskResult"): (
        _("background task result"),
        _("background task results"),
    ),
    ("django_otp_webauthn", "WebAuthnCredential"): (_("passkey"), _("passkeys")),
    ("django_otp_webauthn", "WebAuthnAttestation"): (
        _("passkey attestation"),
        _("passkey attestations"),
    ),
    ("django_otp_webauthn", "WebAuthnUserHandle"): (
        _("passkey user handle"),
        _("passkey user handles"),
    ),
}


class NashrAdminSite(admin.AdminSite):
    site_header = _("Nashr editorial")
    site_title = _("Nashr editorial")
    index_title = _("Editorial work")
    login_form = NashrAuthenticationForm
    login_template = "admin/nashr/login.html"
    index_template = "admin/nashr/index.html"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self.index_links: list[IndexLink] = []

    def register(
        self,
        model_or_iterable: Any,
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        """Django's register, each admin made an audited one (nashr.audit.admin_trail).

        Here, and not in each app, so that no admin (a third-party app's included) is
        registered whose deletes and changes the audit trail misses.
        """
        admin_class = admin_class or admin.ModelAdmin
        if options:
            admin_class = type(f"{admin_class.__name__}WithOptions", (admin_class,), options)
        super().register(model_or_iterable, audited(admin_class))

    def add_index_link(self, link: IndexLink) -> None:
        """Apps' admin modules list their dashboards here."""
        if link not in self.index_links:
            self.index_links.append(link)

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff only, and with two-factor login required, only after a verified code."""
        if not super().has_permission(request):
            return False
        # django-otp's OTPMiddleware adds is_verified() to every request's user.
        if settings.NASHR_REQUIRE_2FA and not request.user.is_verified():  # type: ignore[union-attr]  # see above
            return False
        if passkeys.must_use_passkey(request.user):
            return passkeys.verified_by_passkey(request.user)
        return True

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Django's access check, and the page's digits in the admin's language."""
        checked = super().admin_view(view, cacheable)

        @functools.wraps(checked)
        def localized(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response: HttpResponse = checked(request, *args, **kwargs)
            return _with_local_digits(response, current_language())

        return localized

    def get_urls(self) -> list[URLPattern | URLResolver]:
        own = [
            path("passkeys/", self._view(views.passkey_list), name="passkeys"),
            path("passkeys/login/", self._view(views.passkey_login), name="passkey_login"),
            path(
                "second-factor/",
                self._view(views.second_factor, local_digits=True),
                name="second_factor",
            ),
            # Django's log-out is behind has_permission, so whoever has not yet given a
            # second factor (the enrolment pages, which say "log out") could not log out.
            path("logout/", self._view(self._logout), name="logout"),
        ]
        return own + super().get_urls()

    def _logout(self, request: HttpRequest, *, site: admin.AdminSite) -> HttpResponse:
        response: HttpResponse = self.logout(request)
        return response

    def _view(self, view: Any, *, local_digits: bool = False) -> Any:
        """A page of this site that checks its own access (the login steps, the enrolment)."""

        @never_cache
        def bound(request: HttpRequest) -> HttpResponse:
            response: HttpResponse = view(request, site=self)
            if local_digits:
                return _with_local_digits(response, current_language())
            return response

        return bound

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Django's admin login with the passkey step (the body is Django 5.2's, but the view)."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        if request.method == "GET" and views.needs_enrolment(request.user):
            # Logged in by password, with no second factor yet: the enrolment is next.
            return HttpResponseRedirect(reverse("admin:second_factor", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            "enrolment_only": passkeys.enrolment_only(request.user),
            "passkey_needed": passkeys.must_use_passkey(request.user)
            and not passkeys.verified_by_passkey(request.user),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return views.PasswordThenSecondFactorLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form,
            template_name=self.login_template,
            admin_site_name=self.name,
        )(request)

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """Django's page for one's own password; a change is recorded, never the password."""
        with transaction.atomic():
            response = super().password_change(request, extra_context)
            if request.method == "POST" and response.status_code == 302:
                user = request.user
                audit_record(actor=user, action="staff.password_set", target=user)  # type: ignore[arg-type]  # a logged-in user here
        return response

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["require_2fa"] = settings.NASHR_REQUIRE_2FA
        return context

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = THIRD_PARTY_APPS.get(app["app_label"], app["name"])
            for model in app["models"]:
                key = (app["app_label"], model["object_name"])
                model["name"] = THIRD_PARTY_MODELS.get(key, model["name"])
        return apps

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        links = []
        for link in self.index_links:
            if not request.user.has_perm(link.permission):
                continue
            try:
                links.append((link, reverse(link.url_name, current_app=self.name)))
            except NoReverseMatch:
                continue
        return super().index(request, {"index_links": links, **(extra_context or {})})


def _with_local_digits(response: HttpResponse, language: str) -> HttpResponse:
    """An HTML page of the admin with its text's digits in `language` (see htmldigits)."""
    if site_language(language).digits == "latn" or not response.get("Content-Type", "").startswith(
        "text/html"
    ):
        return response
    if getattr(response, "streaming", False) or getattr(response, "keeps_its_digits", False):
        return response

    def rewrite(rendered: HttpResponse) -> HttpResponse:
        text = rendered.content.decode(rendered.charset)
        rendered.content = localize_html_digits(text, language).encode(rendered.charset)
        return rendered

    if isinstance(response, TemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(rewrite)
        return response
    return rewrite(response)
