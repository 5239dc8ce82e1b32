"""Deployment checks of Nashr's own settings (run by `nashr check --deploy`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext as _


@register(Tags.security, deploy=True)
def check_site_url_is_https(**kwargs: Any) -> list[CheckMessage]:
    """Links in mail (unsubscribe, confirmation) and feeds must not travel in clear text."""
    if settings.NASHR_SITE_URL.startswith("https://"):
        return []
    return [
        CheckWarning(
            f"NASHR_SITE_URL is {settings.NASHR_SITE_URL!r}, not an https:// address.",
            hint="Set NASHR_SITE_URL to the site's public https address, e.g. https://example.org.",
            id="nashr.W001",
        )
    ]


@register()
def check_site_url_host_is_allowed(**kwargs: Any) -> list[CheckMessage]:
    """The site must answer at its own address: the mirror renders its pages for that host,
    and every link in mail and feeds leads readers there."""
    host = urlsplit(settings.NASHR_SITE_URL).netloc.rpartition("@")[2]
    domain, _port = split_domain_port(host)
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # as Django's HttpRequest.get_host
    if domain and validate_host(domain, allowed):
        return []
    return [
        CheckError(
            _(
                "The host of NASHR_SITE_URL (%(host)s) is not in ALLOWED_HOSTS (%(allowed)s): "
                "the site would refuse its own address, and `nashr mirror build` could not "
                "render a page."
            )
            % {"host": domain or settings.NASHR_SITE_URL, "allowed": ", ".join(allowed) or "-"},
            hint=_(
                "add %(host)s to ALLOWED_HOSTS, or set NASHR_SITE_URL to the address readers "
                "reach the site at, in the environment (/etc/nashr/nashr.env)"
            )
            % {"host": domain or settings.NASHR_SITE_URL},
            id="nashr.E002",
        )
    ]


@register(Tags.security, deploy=True)
def check_two_factor_login_is_required(**kwargs: Any) -> list[CheckMessage]:
    """Staff of an exile organization are phished by state actors: a password is not enough."""
    if settings.NASHR_REQUIRE_2FA:
        return []
    return [
        CheckWarning(
            "NASHR_REQUIRE_2FA is off: a phished or guessed password alone opens the admin.",
            hint="Remove NASHR_REQUIRE_2FA=0 from the environment (production turns it on) "
            "and give every staff member a device with `nashr enrol_totp USERNAME`.",
            id="nashr.W002",
        )
    ]


@register(Tags.admin)
def check_admin_searches_fold_spelling(**kwargs: Any) -> list[CheckMessage]:
    """Every search box of the admin finds Persian however it was typed (core.spelling)."""
    from django.contrib.admin.sites import all_sites

    from nashr.core.admin import SpellingSearchAdmin

    return [
        CheckError(
            f"{type(model_admin).__module__}.{type(model_admin).__qualname__} has "
            "search_fields but does not fold spellings: «كارگران» would not find «کارگران».",
            hint="Make it a subclass of nashr.core.admin.SpellingSearchAdmin (first in its bases).",
            obj=model_admin,
            id="nashr.E001",
        )
        for site in all_sites
        for model_admin in site._registry.values()
        if model_admin.search_fields and not isinstance(model_admin, SpellingSearchAdmin)
    ]
