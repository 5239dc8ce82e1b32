"""Deployment checks of Nashr's own settings (run by `nashr check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning


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
