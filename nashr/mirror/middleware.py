"""Onion-Location: Tor Browser offers readers the site's onion service when one is set."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class OnionLocationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        onion = settings.NASHR_ONION_URL
        # Tor Browser reads the header on HTML pages only, and the same page must exist there.
        if onion and response.get("Content-Type", "").startswith("text/html"):
            response.headers["Onion-Location"] = onion + request.get_full_path()
        return response
