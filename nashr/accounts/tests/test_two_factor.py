"""With two-factor login required, the admin lets in only staff verified by a TOTP code."""

from __future__ import annotations

import io
import re
from binascii import unhexlify

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a long passphrase 42"


def _enrol(username: str, *extra: str) -> str:
    out = io.StringIO()
    call_command("enrol_totp", username, *extra, stdout=out)
    return out.getvalue()


def _code(device: TOTPDevice) -> str:
    return f"{totp(unhexlify(device.key), step=device.step, digits=device.digits):06d}"


def _login(client, username: str, token: str = ""):
    return client.post(
        "/en/admin/login/?next=/en/admin/",
        {"username": username, "password": PASSWORD, "otp_token": token},
    )


@pytest.fixture
def require_2fa(settings):
    settings.NASHR_REQUIRE_2FA = True


def test_staff_without_verified_device_cannot_reach_admin(client, make_staff, require_2fa) -> None:
    """A staff user logged in by password alone is sent back to the login page."""
    client.force_login(make_staff("editor"))
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")
    assert client.get("/en/admin/publications/publication/").status_code == 302


def test_without_requirement_password_is_enough(client, make_staff) -> None:
    """In development (setting off) a password login reaches the admin."""
    client.force_login(make_staff("editor"))
    assert client.get("/en/admin/").status_code == 200


def test_password_without_device_leads_to_enrolment_only(client, make_staff, require_2fa) -> None:
    """The right password of a user with no device opens the enrolment page, not the admin."""
    make_staff("editor", username="maryam")
    response = _login(client, "maryam", "123456")
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/second-factor/"
    assert client.get("/en/admin/").status_code == 302


def test_enrolled_user_logs_in_with_code(client, make_staff, require_2fa) -> None:
    """After `nashr enrol_totp`, password plus the current TOTP code opens the admin."""
    user = make_staff("editor", username="maryam")
    output = _enrol("maryam", "--no-qr")
    uri = re.search(r"otpauth://totp/\S+", output)
    assert uri is not None and "secret=" in uri.group(0) and "issuer=Nashr" in uri.group(0)
    device = TOTPDevice.objects.get(user=user)

    wrong = "000000" if _code(device) != "000000" else "111111"
    assert _login(client, "maryam", wrong).status_code == 200
    assert client.get("/en/admin/").status_code == 302
    # django-otp makes the next try wait after a wrong code; that wait is not tested here.
    device.refresh_from_db()
    device.throttle_reset()

    persian_code = _code(device).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = _login(client, "maryam", persian_code)
    assert response.status_code == 302
    assert client.get("/en/admin/").status_code == 200


def test_backup_code_works_once(client, make_staff, require_2fa) -> None:
    """A backup code printed by the enrol command opens the admin once."""
    make_staff("editor", username="maryam")
    output = _enrol("maryam", "--no-qr", "--backup-codes", "3")
    codes = re.findall(r"^  ([a-z2-7]{8})$", output, flags=re.MULTILINE)
    assert len(codes) == 3
    assert _login(client, "maryam", codes[0]).status_code == 302
    client.logout()
    assert _login(client, "maryam", codes[0]).status_code == 200


def test_enrol_prints_terminal_qr(make_staff) -> None:
    """Without --no-qr the command also draws a QR code of block characters."""
    make_staff("editor", username="maryam")
    output = _enrol("maryam")
    assert "█" in output or "▀" in output or "▄" in output


def test_enrol_refuses_unknown_and_non_staff(django_user_model, db) -> None:
    """Enrolling someone who does not exist or is not staff is an error that says so."""
    with pytest.raises(CommandError, match="no user"):
        _enrol("nobody")
    django_user_model.objects.create_user(username="reader", password=PASSWORD)
    with pytest.raises(CommandError, match="not a staff user"):
        _enrol("reader")


def test_admin_hides_totp_secret(admin_client, make_staff) -> None:
    """The admin's page of a TOTP device shows neither its secret nor its QR code."""
    _enrol(make_staff("editor", username="maryam").username, "--no-qr")
    device = TOTPDevice.objects.get(user__username="maryam")
    page = admin_client.get(f"/en/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    listing = admin_client.get("/en/admin/otp_totp/totpdevice/").content.decode()
    assert "qrcode" not in listing.lower()
