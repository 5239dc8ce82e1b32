"""Staff sessions end after a time without admin work, and a fixed time after login."""

from __future__ import annotations

import time

from django.contrib.sessions.models import Session
from django.utils import timezone


def test_idle_staff_session_expires(client, make_staff, settings) -> None:
    """An admin session unused for longer than the configured age no longer opens the admin."""
    settings.NASHR_STAFF_SESSION_SECONDS = 1
    client.force_login(make_staff("editor"))
    assert client.get("/en/admin/").status_code == 200
    time.sleep(1.5)
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")


def test_admin_requests_renew_the_session(client, make_staff, settings) -> None:
    """Each admin request moves the session's end to the configured age from now."""
    settings.NASHR_STAFF_SESSION_SECONDS = 600
    client.force_login(make_staff("editor"))
    before = timezone.now()
    response = client.get("/en/admin/")
    assert response.cookies["sessionid"]["max-age"] == 600
    expires = Session.objects.get().expire_date
    assert 595 <= (expires - before).total_seconds() <= 605


def test_public_pages_do_not_touch_the_session(client, make_staff, site_content) -> None:
    """A public page sets no cookie, not even for a logged-in staff member."""
    assert client.get("/en/").cookies == {}
    client.force_login(make_staff("editor"))
    assert client.get("/en/").cookies == {}


def test_busy_session_ends_after_its_absolute_lifetime(client, make_staff, settings, clock) -> None:
    """A session used every hour still ends the configured hours after its login."""
    settings.NASHR_STAFF_SESSION_SECONDS = 8 * 3600
    settings.NASHR_STAFF_SESSION_MAX_HOURS = 12
    client.force_login(make_staff("editor"))
    for _hour in range(12):
        assert client.get("/en/admin/").status_code == 200
        clock.advance(hours=1)
    clock.advance(minutes=1)
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/login/?next=/en/admin/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "staff log in again every 12 hours" in page


def test_new_login_starts_a_new_lifetime(client, make_staff, settings, clock) -> None:
    """After logging in again, the session lasts its whole lifetime from the new login."""
    settings.NASHR_STAFF_SESSION_MAX_HOURS = 12
    user = make_staff("editor")
    client.force_login(user)
    clock.advance(hours=7)
    assert client.get("/en/admin/").status_code == 200
    clock.advance(hours=6)
    assert client.get("/en/admin/").status_code == 302
    client.force_login(user)
    clock.advance(hours=7)
    assert client.get("/en/admin/").status_code == 200
