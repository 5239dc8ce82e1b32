"""Failed logins lock the address they come from, and that user name at that address.

A user name alone is never locked: anyone could otherwise lock a staff member out.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from nashr.accounts.models import LoginThrottle

PASSWORD = "a long passphrase 42"
PROXY = "127.0.0.1"
ATTACKER = "203.0.113.7"
STAFF = "198.51.100.2"
LOCKED = "Too many failed logins"


@pytest.fixture
def three_allowed(settings):
    settings.NASHR_LOGIN_FAILURES_ALLOWED = 3
    settings.NASHR_LOGIN_LOCKOUT_SECONDS = 600


@pytest.fixture
def behind_proxy(settings):
    settings.NASHR_PROXY_COUNT = 1
    settings.NASHR_LOGIN_FAILURES_ALLOWED = 5
    settings.NASHR_LOGIN_LOCKOUT_SECONDS = 600


def _login(client, username: str, password: str):
    return client.post("/en/admin/login/", {"username": username, "password": password})


def _visitor(address: str) -> Client:
    """A browser whose request reaches Nashr through one reverse proxy on loopback."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def _pair_row() -> LoginThrottle:
    return LoginThrottle.objects.get(key__startswith="address-user:")


def test_lockout_after_failures(client, make_staff, three_allowed) -> None:
    """After three wrong passwords the right one is refused too, with the wait stated."""
    make_staff("editor", username="maryam")
    for _attempt in range(3):
        assert _login(client, "maryam", "wrong password").status_code == 200
    response = _login(client, "maryam", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert client.get("/en/admin/").status_code == 302
    # The user name is locked whatever its case.
    assert LOCKED in _login(client, "MARYAM", PASSWORD).content.decode()


def test_lock_expires_and_success_clears(client, make_staff, three_allowed) -> None:
    """When the lock has run out the right password works and clears that name's count only."""
    make_staff("editor", username="maryam")
    for _attempt in range(3):
        _login(client, "maryam", "wrong password")
    LoginThrottle.objects.filter(key__startswith="address-user:").update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _login(client, "maryam", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(key__startswith="address-user:").exists()
    assert LoginThrottle.objects.get(key__startswith="address:").failures == 3


def test_blank_password_clears_nothing(client, make_staff, three_allowed) -> None:
    """A post without a password is no login: it does not wipe out the failures before it."""
    make_staff("editor", username="maryam")
    for _attempt in range(2):
        _login(client, "maryam", "wrong password")
    _login(client, "maryam", "")
    _login(client, "maryam", "wrong password")
    assert LOCKED in _login(client, "maryam", PASSWORD).content.decode()


def test_lock_doubles_with_further_failures(client, make_staff, three_allowed) -> None:
    """Each failure past the allowance after a lock ran out doubles the next lock."""
    make_staff("editor", username="maryam")
    for _attempt in range(3):
        _login(client, "maryam", "wrong password")
    first = _pair_row()
    assert first.locked_until is not None
    first_lock = first.locked_until - timezone.now()
    first.locked_until = timezone.now() - dt.timedelta(seconds=1)
    first.save()
    _login(client, "maryam", "wrong password")
    second = _pair_row()
    assert second.locked_until is not None
    second_lock = second.locked_until - timezone.now()
    assert second_lock > first_lock * 1.8


def test_other_users_at_the_same_address_are_not_locked(client, make_staff, three_allowed) -> None:
    """Locking one user name at an address leaves a colleague at that address free."""
    make_staff("editor", username="maryam")
    make_staff("author", username="reza")
    for _attempt in range(3):
        _login(client, "maryam", "wrong password")
    assert _login(client, "reza", PASSWORD).status_code == 302


def test_attacker_behind_proxy_cannot_lock_staff_out(make_staff, behind_proxy) -> None:
    """25 failures for the administrator from one visitor lock that visitor, not the admin."""
    make_staff("administrator", username="admin")
    attacker = _visitor(ATTACKER)
    for _attempt in range(25):
        assert _login(attacker, "admin", "guess").status_code == 200
    assert LOCKED in _login(attacker, "admin", PASSWORD).content.decode()

    staff = _visitor(STAFF)
    assert _login(staff, "admin", PASSWORD).status_code == 302
    assert staff.get("/en/admin/").status_code == 200


def test_password_sprayer_behind_proxy_locks_only_itself(make_staff, behind_proxy) -> None:
    """25 made-up user names from one visitor lock that visitor; staff elsewhere log in."""
    make_staff("editor", username="maryam")
    sprayer = _visitor(ATTACKER)
    for number in range(25):
        _login(sprayer, f"made-up-{number}", "guess")
    assert LOCKED in _login(sprayer, "maryam", PASSWORD).content.decode()
    assert _login(_visitor(STAFF), "maryam", PASSWORD).status_code == 302


def test_forged_forwarded_for_is_ignored_without_proxy(make_staff, settings, three_allowed) -> None:
    """With no proxy, a forged X-Forwarded-For neither frees its sender nor frames staff."""
    settings.NASHR_PROXY_COUNT = 0
    make_staff("editor", username="maryam")
    for number in range(3):
        forger = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {STAFF}")
        _login(forger, "maryam", "guess")
    forger = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert LOCKED in _login(forger, "maryam", PASSWORD).content.decode()
    assert _login(Client(REMOTE_ADDR=STAFF), "maryam", PASSWORD).status_code == 302


def test_throttle_rows_name_no_address_or_user(make_staff, behind_proxy) -> None:
    """The throttle table holds keyed hashes only: no address and no user name in clear."""
    make_staff("administrator", username="admin")
    for _attempt in range(6):
        _login(_visitor(ATTACKER), "Administrator-Maryam", "guess")
    rows = list(LoginThrottle.objects.values())
    assert {row["key"].partition(":")[0] for row in rows} == {"address", "address-user"}
    text = repr(rows).lower()
    for clear in (ATTACKER, PROXY, "203.0.113", "administrator-maryam", "maryam"):
        assert clear not in text
