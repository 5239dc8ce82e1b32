"""Staff enrol their own authenticator app in the admin, and log in with any of theirs."""

from __future__ import annotations

import base64
import html
import re
from binascii import unhexlify

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nashr.accounts import services
from nashr.audit.models import AuditEntry
from nashr.core.actors import COMMAND
from nashr.core.calendars import format_datetime
from nashr.core.exceptions import PermissionDenied

PASSWORD = "a long passphrase 42"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
SECRET = re.compile(
    r'<code id="totp-secret" dir="ltr" lang="en" translate="no">([A-Z2-7 ]+)</code>'
)


@pytest.fixture
def require_2fa(settings):
    settings.NASHR_REQUIRE_2FA = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(unhexlify(device.key), step=device.step, digits=device.digits):06d}"


def _login(client: Client, username: str, token: str = "", language: str = "fa"):
    return client.post(
        f"/{language}/admin/login/?next=/{language}/admin/",
        {"username": username, "password": PASSWORD, "otp_token": token},
    )


def _secret(page: str) -> str:
    found = SECRET.search(page)
    assert found is not None, "no secret on the page"
    return found.group(1)


def test_new_editor_enrols_in_persian_and_reaches_the_admin(
    client, make_staff, require_2fa
) -> None:
    """Password, Persian enrolment page (QR code, secret), code in Persian digits, the admin."""
    user = make_staff("editor", username="maryam")
    response = _login(client, "maryam")
    assert response.status_code == 302
    assert response["Location"] == "/fa/admin/second-factor/"
    # Logged in by password only: the admin itself stays shut, and leads back here.
    assert client.get("/fa/admin/").status_code == 302
    assert client.get("/fa/admin/login/")["Location"] == "/fa/admin/second-factor/"

    page = client.get("/fa/admin/second-factor/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "عامل دوم شما" in text
    assert "کد QR" in text
    assert re.search(r'<div id="totp-qr"[^>]*><svg[^>]*>.*<path', text, re.DOTALL)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = _secret(text)
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", secret)
    letters = secret.replace(" ", "")
    assert base64.b32decode(letters + "=" * (-len(letters) % 8)) == device.bin_key
    assert html.unescape(device.config_url) not in text  # the key only as shown above

    code = _code(device).translate(PERSIAN_DIGITS)
    confirmed = client.post("/fa/admin/second-factor/", {"device": device.pk, "code": code})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/fa/admin/"
    assert client.get("/fa/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    entry = AuditEntry.objects.get(action="staff.totp_enrol")
    assert (entry.actor_user_id, entry.target_id) == (user.pk, str(user.pk))


def test_wrong_code_leaves_the_device_unconfirmed(client, make_staff, require_2fa) -> None:
    """A code the app does not show is refused on the field, in Persian, and opens nothing."""
    user = make_staff("editor", username="maryam")
    _login(client, "maryam")
    client.get("/fa/admin/second-factor/")
    device = TOTPDevice.objects.get(user=user)
    wrong = "000000" if _code(device) != "000000" else "111111"
    response = client.post("/fa/admin/second-factor/", {"device": device.pk, "code": wrong})
    assert response.status_code == 200
    assert "کدی که برنامه‌تان اکنون نشان می‌دهد نیست" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/fa/admin/").status_code == 302


def test_unconfirmed_device_does_not_block_enrolment(client, make_staff, require_2fa) -> None:
    """An account with only an unconfirmed device (an enrolment never finished) may enrol."""
    user = make_staff("editor", username="maryam")
    TOTPDevice.objects.create(user=user, name="made elsewhere", confirmed=False)
    response = _login(client, "maryam", "123456")
    assert response["Location"] == "/fa/admin/second-factor/"
    device = TOTPDevice.objects.get(user=user)
    assert _secret(client.get("/fa/admin/second-factor/").content.decode())
    client.post("/fa/admin/second-factor/", {"device": device.pk, "code": _code(device)})
    assert client.get("/fa/admin/").status_code == 200


def test_code_of_any_confirmed_app_logs_in(client, make_staff, require_2fa) -> None:
    """Another app of the user, confirmed or not, does not refuse a right code of this one."""
    user = make_staff("editor", username="maryam")
    TOTPDevice.objects.create(user=user, name="old phone", confirmed=True)
    services.totp_enrol(actor=COMMAND, user=user, name="new phone")
    TOTPDevice.objects.create(user=user, name="begun", confirmed=False)
    working = TOTPDevice.objects.get(user=user, name="new phone")
    response = _login(client, "maryam", _code(working).translate(PERSIAN_DIGITS), "en")
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200


def test_editor_cannot_enrol_for_another_account(make_staff, require_2fa) -> None:
    """Each sees and confirms only their own device; another's device and code are refused."""
    maryam = make_staff("editor", username="maryam")
    reza = make_staff("editor", username="reza")
    hers, his = Client(), Client()
    _login(hers, "maryam")
    her_secret = _secret(hers.get("/fa/admin/second-factor/").content.decode())
    her_device = TOTPDevice.objects.get(user=maryam)

    _login(his, "reza")
    page = his.get("/fa/admin/second-factor/")
    assert page.status_code == 200
    his_secret = _secret(page.content.decode())
    assert his_secret != her_secret
    assert TOTPDevice.objects.get(user=reza).pk != her_device.pk

    refused = his.post(
        "/fa/admin/second-factor/", {"device": her_device.pk, "code": _code(her_device)}
    )
    assert refused.status_code == 200
    her_device.refresh_from_db()
    assert not her_device.confirmed
    assert his.get("/fa/admin/").status_code == 302
    with pytest.raises(PermissionDenied):
        services.totp_enrolment_start(actor=reza, user=maryam)
    with pytest.raises(PermissionDenied):
        services.totp_enrolment_confirm(
            actor=reza, user=maryam, device_id=her_device.pk, token=_code(her_device)
        )


def test_account_with_a_factor_cannot_add_another(client, make_staff, require_2fa) -> None:
    """Once enrolled, the page lists the app with its date in the admin's calendar, adds none."""
    user = make_staff("editor", username="maryam")
    services.totp_enrol(actor=COMMAND, user=user)
    device = TOTPDevice.objects.get(user=user)
    _login(client, "maryam", _code(device))
    page = client.get("/fa/admin/second-factor/").content.decode()
    assert 'id="totp-enrol-form"' not in page
    created = format_datetime(device.created_at, "fa")
    assert created in page
    assert re.search("[۰-۹]", created) and not re.search("[0-9]", created)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    client.post("/fa/admin/second-factor/", {"device": device.pk, "code": "123456"})
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_administrator_goes_on_to_register_a_passkey(
    client, make_staff, settings, require_2fa
) -> None:
    """Where administrators must use passkeys, their new app leads to the passkey page only."""
    settings.NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS = True
    user = make_staff("administrator", username="shirin")
    assert _login(client, "shirin")["Location"] == "/fa/admin/second-factor/"
    client.get("/fa/admin/second-factor/")
    device = TOTPDevice.objects.get(user=user)
    code = _code(device)
    confirmed = client.post("/fa/admin/second-factor/", {"device": device.pk, "code": code})
    assert confirmed["Location"] == "/fa/admin/passkeys/"
    assert client.get("/fa/admin/").status_code == 302


def test_passkey_page_dates_in_the_admin_calendar(client, make_staff) -> None:
    """The page of one's passkeys gives when each was registered in the admin's calendar."""
    from django_otp_webauthn.models import WebAuthnCredential

    user = make_staff("editor", username="maryam")
    credential = WebAuthnCredential.objects.create(
        user=user,
        name="laptop",
        confirmed=True,
        credential_id=b"credential-1",
        public_key=b"not used",
        aaguid="00000000-0000-0000-0000-000000000000",
    )
    client.force_login(user)
    page = client.get("/fa/admin/passkeys/").content.decode()
    assert format_datetime(credential.created_at, "fa") in page


def test_enrolment_closes_and_an_administrator_opens_it_again(
    client, make_staff, require_2fa, settings
) -> None:
    """An account that never enrolled within NASHR_ENROLMENT_HOURS gets everyone's refusal
    for its right password (a phished password opens nothing); an administrator's "let them
    set up a second factor again" opens it, audited, and the holder enrols."""
    import datetime as dt

    from django.utils import timezone

    user = make_staff("editor", username="dormant")
    user.date_joined = timezone.now() - dt.timedelta(hours=settings.NASHR_ENROLMENT_HOURS + 1)
    user.save(update_fields=["date_joined"])
    refused = _login(client, "dormant")
    wrong = client.post(
        "/fa/admin/login/?next=/fa/admin/",
        {"username": "dormant", "password": "not the password", "otp_token": ""},
    )
    assert (refused.status_code, refused.get("Location")) == (
        wrong.status_code,
        wrong.get("Location"),
    )
    assert refused.get("Location") != "/fa/admin/second-factor/"
    assert client.get("/fa/admin/second-factor/").status_code == 302  # not logged in

    services.second_factor_enrolment_open(
        actor=make_staff("administrator", username="boss"), user=user
    )

    assert _login(client, "dormant")["Location"] == "/fa/admin/second-factor/"
    client.get("/fa/admin/second-factor/")
    device = TOTPDevice.objects.get(user=user)
    done = client.post("/fa/admin/second-factor/", {"device": device.pk, "code": _code(device)})
    assert done["Location"] == "/fa/admin/"


def test_the_staff_list_opens_enrolment_again(client, make_staff) -> None:
    """The staff list's action opens enrolment for the chosen accounts, audited; an account
    that has a second factor is named and left as it is."""
    waiting = make_staff("editor", username="waiting")
    enrolled = make_staff("editor", username="enrolled")
    TOTPDevice.objects.create(user=enrolled, name="app", confirmed=True)
    client.force_login(make_staff("administrator", username="boss"))
    response = client.post(
        "/en/admin/auth/user/",
        {"action": "open_enrolment", "_selected_action": [str(waiting.pk), str(enrolled.pk)]},
        follow=True,
    )
    page = html.unescape(response.content.decode())
    assert "Second-factor enrolment is open for: waiting." in page
    assert "Enrolled already has a second factor" in page
    entry = AuditEntry.objects.get(action="staff.enrolment_open")
    assert (entry.actor_name, entry.target_id) == ("boss", str(waiting.pk))


def test_enrolment_page_log_out_logs_out(client, make_staff, require_2fa) -> None:
    """The log-out button of the second-factor enrolment (a login by password only) logs out."""
    make_staff("editor", username="maryam")
    _login(client, "maryam")
    page = client.get("/fa/admin/second-factor/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" id="enrolment-logout-form">', page)
    assert form is not None
    assert client.post(form.group(1)).status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/fa/admin/second-factor/").status_code == 302
