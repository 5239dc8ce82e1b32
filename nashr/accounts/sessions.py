"""Staff sessions that end after ``NASHR_STAFF_SESSION_SECONDS`` without admin work."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from nashr.core.middleware import is_admin_path


class StaffSessionMiddleware:
    """Each admin request of a logged-in user starts the idle count of the session again.

    Only admin requests renew it: a staff member reading the public site is not working
    in the admin, and public pages must not touch sessions at all (they set no cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_admin_path(request.path) and request.user.is_authenticated:
            request.session.set_expiry(settings.NASHR_STAFF_SESSION_SECONDS)
        return response
