"""Nashr's admin site: two-factor login when required, and links to editorial dashboards."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from nashr.accounts.forms import NashrAuthenticationForm
from nashr.core.admin import IndexLink


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

    def add_index_link(self, link: IndexLink) -> None:
        """Apps' admin modules list their dashboards here."""
        if link not in self.index_links:
            self.index_links.append(link)

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff only, and with two-factor login required, only after a verified code."""
        if not super().has_permission(request):
            return False
        if settings.NASHR_REQUIRE_2FA:
            # django-otp's OTPMiddleware adds is_verified() to every request's user.
            return bool(request.user.is_verified())  # type: ignore[union-attr]  # see above
        return True

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["require_2fa"] = settings.NASHR_REQUIRE_2FA
        return context

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
