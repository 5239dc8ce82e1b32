"""Staff sessions end after NASHR_STAFF_SESSION_SECONDS without admin requests."""

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
