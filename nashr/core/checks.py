"""Deployment checks of Nashr's own settings (run by `nashr check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
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
