"""Middleware: headers that keep readers' browsers from asking any other host for anything,
and the client's address made known to the services for the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from nashr.core.clients import client_address
from nashr.core.origin import client_address_set

# Public pages need no inline script or style and nothing from another host. The one
# script is the comment form's proof of work (served from here; it fetches its challenge
# from here): nothing a reader writes can run, since nothing inline runs.
PUBLIC_CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; "
    "style-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The admin needs its own scripts and inline styles, still only from this host.
ADMIN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
)


def is_admin_path(path: str) -> bool:
    """Paths of the Django admin (/fa/admin/…, /en/admin/…)."""
    parts = path.split("/", 3)
    return len(parts) > 2 and parts[2] == "admin"


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy and a Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        csp = ADMIN_CSP if is_admin_path(request.path) else PUBLIC_CSP
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class ClientAddressMiddleware:
    """The client's address available to the services for the request (see core.origin)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_address_set(client_address(request)):
            return self.get_response(request)
