"""Repeated failed logins lock the user name for a while, even with the right password."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nashr.accounts.models import LoginThrottle

PASSWORD = "a long passphrase 42"


@pytest.fixture
def three_allowed(settings):
    settings.NASHR_LOGIN_FAILURES_ALLOWED = 3
    settings.NASHR_LOGIN_LOCKOUT_SECONDS = 600


def _login(client, username: str, password: str):
    return client.post("/en/admin/login/", {"username": username, "password": password})


def test_lockout_after_failures(client, make_staff, three_allowed) -> None:
    """After three wrong passwords the right one is refused too, with the wait stated."""
    make_staff("editor", username="maryam")
    for _attempt in range(3):
        assert _login(client, "maryam", "wrong password").status_code == 200
    response = _login(client, "maryam", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed logins" in response.content.decode()
    assert client.get("/en/admin/").status_code == 302
    # The user name is locked whatever its case.
    assert "Too many failed logins" in _login(client, "MARYAM", PASSWORD).content.decode()


def test_lock_expires_and_success_clears(client, make_staff, three_allowed) -> None:
    """When the lock has run out the right password works and clears the count."""
    make_staff("editor", username="maryam")
    for _attempt in range(3):
        _login(client, "maryam", "wrong password")
    LoginThrottle.objects.filter(key="user:maryam").update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _login(client, "maryam", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(key="user:maryam").exists()


def test_lock_doubles_with_further_failures(client, make_staff, three_allowed) -> None:
    """Each failure past the allowance after a lock ran out doubles the next lock."""
    make_staff("editor", username="maryam")
    for _attempt in range(3):
        _login(client, "maryam", "wrong password")
    first = LoginThrottle.objects.get(key="user:maryam")
    assert first.locked_until is not None
    first_lock = first.locked_until - timezone.now()
    first.locked_until = timezone.now() - dt.timedelta(seconds=1)
    first.save()
    _login(client, "maryam", "wrong password")
    second = LoginThrottle.objects.get(key="user:maryam")
    assert second.locked_until is not None
    second_lock = second.locked_until - timezone.now()
    assert second_lock > first_lock * 1.8


def test_other_users_are_not_locked(client, make_staff, three_allowed) -> None:
    """Locking one user name leaves a colleague free to log in from elsewhere."""
    make_staff("editor", username="maryam")
    make_staff("author", username="reza")
    for _attempt in range(3):
        _login(client, "maryam", "wrong password")
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert _login(other, "reza", PASSWORD).status_code == 302
