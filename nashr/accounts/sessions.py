"""Staff sessions: an idle timeout, an absolute lifetime, and recent re-authentication.

- A session ends after ``NASHR_STAFF_SESSION_SECONDS`` without admin work (each admin
  request starts that count again).
- Whatever the activity, it also ends ``NASHR_STAFF_SESSION_MAX_HOURS`` after the login
  (ASVS 3.3.2): a stolen session cookie kept busy does not open the admin for ever, and
  the staff member types their password and second factor again at least once a day.
- Changes to how an account logs in (its passkeys) need an authentication of the last
  ``REAUTHENTICATION_SECONDS``: the login itself, or the password typed again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nashr.core.middleware import is_admin_path

# When the session's user logged in, and when they last proved who they are (the login,
# or the password again), as POSIX timestamps.
LOGIN_AT_KEY = "nashr_login_at"
AUTHENTICATED_AT_KEY = "nashr_authenticated_at"
# How long an authentication counts as recent for changing the account's passkeys.
REAUTHENTICATION_SECONDS = 300

SESSION_ENDED = _(
    "Your session has ended: staff log in again every %(hours)s hours, however busy the "
    "session was. Log in to go on."
)


def authentication_record(request: HttpRequest) -> None:
    """Remember that the session's user has just proved who they are (password checked)."""
    request.session[AUTHENTICATED_AT_KEY] = timezone.now().timestamp()


def login_record(request: HttpRequest) -> None:
    """Start the absolute lifetime of the session: its user has just logged in."""
    request.session[LOGIN_AT_KEY] = timezone.now().timestamp()
    authentication_record(request)


def recently_authenticated(request: HttpRequest) -> bool:
    """True when the user logged in, or typed their password again, a few minutes ago."""
    at = request.session.get(AUTHENTICATED_AT_KEY)
    if not isinstance(at, int | float):
        return False
    return 0 <= timezone.now().timestamp() - at <= REAUTHENTICATION_SECONDS


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Receiver of ``user_logged_in``: every way of logging in starts a new lifetime."""
    if request is not None and hasattr(request, "session"):
        login_record(request)


def _lifetime_over(request: HttpRequest) -> bool:
    login_at = request.session.get(LOGIN_AT_KEY)
    if not isinstance(login_at, int | float):
        # A session from before the lifetime existed: its lifetime starts now.
        request.session[LOGIN_AT_KEY] = timezone.now().timestamp()
        return False
    max_seconds = settings.NASHR_STAFF_SESSION_MAX_HOURS * 3600
    return bool(timezone.now().timestamp() - login_at > max_seconds)


class StaffSessionMiddleware:
    """Each admin request of a logged-in user starts the idle count of the session again.

    Only admin requests renew it: a staff member reading the public site is not working
    in the admin, and public pages must not touch sessions at all (they set no cookie).
    An admin request after the session's absolute lifetime logs the user out first, so
    the admin's own access check sends them to the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin = is_admin_path(request.path)
        if admin and request.user.is_authenticated and _lifetime_over(request):
            logout(request)
            hours = settings.NASHR_STAFF_SESSION_MAX_HOURS
            messages.warning(request, SESSION_ENDED % {"hours": hours})
        response = self.get_response(request)
        if admin and request.user.is_authenticated:
            request.session.set_expiry(settings.NASHR_STAFF_SESSION_SECONDS)
        return response
