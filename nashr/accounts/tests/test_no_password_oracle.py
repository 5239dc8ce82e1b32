"""A refused login never tells whether the password was right.

A phisher holding a password must not learn from the login page that it works and only
the second factor is missing, so every refusal reads the same.
"""

from __future__ import annotations

import io
import re
from binascii import unhexlify

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nashr.accounts.models import LoginThrottle

PASSWORD = "a long passphrase 42"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
ERRORS = re.compile(r'<p class="errornote">\s*(.*?)\s*</p>', re.DOTALL)


@pytest.fixture
def require_2fa(settings):
    settings.NASHR_REQUIRE_2FA = True
    settings.NASHR_LOGIN_FAILURES_ALLOWED = 20


def _code(device: TOTPDevice) -> str:
    return f"{totp(unhexlify(device.key), step=device.step, digits=device.digits):06d}"


def _page(username: str, password: str, token: str) -> tuple[int, str]:
    """The status and the login page answered, less its random CSRF token."""
    response = Client().post(
        "/en/admin/login/?next=/en/admin/",
        {"username": username, "password": password, "otp_token": token},
    )
    return response.status_code, CSRF.sub("", response.content.decode())


def test_every_refusal_is_the_same_page(make_staff, require_2fa) -> None:
    """A right password with a wrong, missing or unenrolled code answers as a wrong one."""
    make_staff("editor", username="maryam")
    call_command("enrol_totp", "maryam", "--no-qr", stdout=io.StringIO())
    device = TOTPDevice.objects.get(user__username="maryam")
    right = _code(device)
    wrong = "000000" if right != "000000" else "111111"
    # (An account with no device at all is the exception: its password alone opens the
    # enrolment of its first device; see test_totp_enrolment.)
    pages = [
        (_page("maryam", PASSWORD, wrong), _page("maryam", "wrong password", wrong)),
    ]
    # django-otp holds a device back after wrong codes; that must not show either.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    pages.append((_page("maryam", PASSWORD, right), _page("maryam", "wrong password", right)))
    errors = set()
    for right_password, wrong_password in pages:
        assert right_password == wrong_password
        assert right_password[0] == 200
        errors.add(tuple(ERRORS.findall(right_password[1])))
    assert errors == {
        (
            "Enter the correct user name, password and two-factor code of a staff account. "
            "Note that the user name and password may be case-sensitive.",
        )
    }
    assert "enrol_totp" not in pages[0][0][1]
    # Without a code, every login goes on to the same passkey step (accounts/passkeys.py).
    assert _page("maryam", PASSWORD, "") == _page("maryam", "wrong password", "") == (302, "")


def test_every_refusal_counts_the_same(make_staff, require_2fa) -> None:
    """A right password with a wrong code is counted as a failure, as a wrong password is."""
    make_staff("editor", username="maryam")
    call_command("enrol_totp", "maryam", "--no-qr", stdout=io.StringIO())
    _page("maryam", "wrong password", "123456")
    assert LoginThrottle.objects.get(key__startswith="address-user:").failures == 1
    _page("maryam", PASSWORD, "")
    _page("maryam", PASSWORD, "12345678")
    assert LoginThrottle.objects.get(key__startswith="address-user:").failures == 3
