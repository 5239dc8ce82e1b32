"""Passkeys as the second factor: the login step, administrators, and who may register one."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from nashr.accounts import passkeys, services
from nashr.accounts.tests.test_two_factor import _code, _login
from nashr.core.actors import COMMAND

# The random CSRF token, the only part of two pages that may differ.
CSRF = re.compile(r'"csrfToken": "[^"]+"')


@pytest.fixture
def require_2fa(settings):
    settings.NASHR_REQUIRE_2FA = True


@pytest.fixture
def require_passkeys_for_admins(settings, require_2fa):
    settings.NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS = True


def _passkey(user) -> WebAuthnCredential:
    """A registered credential (its keys are never used by these tests)."""
    return WebAuthnCredential.objects.create(
        user=user,
        name="laptop",
        confirmed=True,
        credential_id=b"credential-" + str(user.pk).encode(),
        public_key=b"not used",
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def _totp_code(user) -> str:
    services.totp_enrol(actor=COMMAND, user=user)
    return _code(TOTPDevice.objects.get(user=user))


def test_password_of_passkey_user_leads_to_passkey_step_only(
    client, make_staff, require_2fa
) -> None:
    """A right password with no code sends a passkey user to the passkey step, logged out."""
    _passkey(make_staff("editor", username="maryam"))
    response = _login(client, "maryam")
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/passkeys/login/?next=%2Fen%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/en/admin/").status_code == 302
    step = client.get(response["Location"])
    assert step.status_code == 200
    assert 'id="passkey-verification-placeholder"' in step.content.decode()
    assert "/static/django_otp_webauthn/otp_webauthn_auth.js" in step.content.decode()


def test_passkey_step_does_not_tell_whether_the_password_was_right(
    client, make_staff, require_2fa
) -> None:
    """A wrong password without a code meets the same step and the same challenge."""
    _passkey(make_staff("editor", username="maryam"))
    answers = []
    for password in ("a long passphrase 42", "a wrong guess"):
        client.logout()
        response = client.post(
            "/en/admin/login/?next=/en/admin/",
            {"username": "maryam", "password": password, "otp_token": ""},
        )
        step = client.get(response["Location"]).content.decode()
        options = client.post("/en/admin/passkeys/api/authentication/begin/").json()
        answers.append(
            (response.status_code, response["Location"], step, options["allowCredentials"])
        )
    (right, wrong) = answers
    assert right[0] == wrong[0] == 302
    assert right[1] == wrong[1]
    assert right[3] == wrong[3] == []
    assert CSRF.sub("", right[2]) == CSRF.sub("", wrong[2])
    assert client.get("/en/admin/").status_code == 302


def test_passkey_step_without_right_password_is_refused(client, make_staff, require_2fa) -> None:
    """Without a password checked first, the passkey ceremony does not even begin."""
    _passkey(make_staff("editor", username="maryam"))
    assert client.get("/en/admin/passkeys/login/").status_code == 302
    begin = client.post("/en/admin/passkeys/api/authentication/begin/")
    assert begin.status_code == 403
    assert client.get("/en/admin/").status_code == 302


def test_passkey_step_expires(client, make_staff, require_2fa) -> None:
    """The remembered password is good for the passkey step for a few minutes only."""
    _passkey(make_staff("editor", username="maryam"))
    _login(client, "maryam")
    assert client.post("/en/admin/passkeys/api/authentication/begin/").status_code == 200
    session = client.session
    session[passkeys.PENDING_SESSION_KEY]["at"] -= passkeys.PENDING_SECONDS + 1
    session.save()
    assert client.post("/en/admin/passkeys/api/authentication/begin/").status_code == 403


def test_editor_may_still_use_totp(client, make_staff, require_passkeys_for_admins) -> None:
    """A non-administrator with a passkey may log in with a TOTP code instead."""
    user = make_staff("editor", username="maryam")
    _passkey(user)
    assert _login(client, "maryam", _totp_code(user)).status_code == 302
    assert client.get("/en/admin/").status_code == 200


def test_administrator_with_passkey_is_refused_totp(
    client, make_staff, require_passkeys_for_admins
) -> None:
    """An administrator who has a passkey cannot log in with a TOTP code instead."""
    user = make_staff("administrator", username="shirin")
    _passkey(user)
    response = _login(client, "shirin", _totp_code(user))
    assert response.status_code == 200
    assert "Enter the correct user name, password and two-factor code" in (
        response.content.decode()
    )
    assert client.get("/en/admin/").status_code == 302


def test_administrator_with_only_totp_reaches_only_enrolment(
    client, make_staff, require_passkeys_for_admins
) -> None:
    """An administrator with only TOTP is refused the admin, except the passkey page."""
    user = make_staff("administrator", username="shirin")
    response = _login(client, "shirin", _totp_code(user))
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/passkeys/"
    assert client.get("/en/admin/").status_code == 302
    assert client.get("/en/admin/auth/user/").status_code == 302
    assert 'href="/en/admin/passkeys/"' in client.get("/en/admin/login/").content.decode()
    page = client.get("/en/admin/passkeys/")
    assert page.status_code == 200
    assert 'id="passkey-registration-placeholder"' in page.content.decode()
    assert client.post("/en/admin/passkeys/api/registration/begin/").status_code == 200


def test_enrolment_page_has_the_log_out_it_asks_for(
    client, make_staff, require_passkeys_for_admins
) -> None:
    """The passkey page of an administrator who must register one, which says "log out and
    sign in again", has a log-out button that logs out."""
    user = make_staff("administrator", username="shirin")
    _login(client, "shirin", _totp_code(user))
    page = client.get("/en/admin/passkeys/").content.decode()
    assert "log out and sign in again" in page
    form = re.search(r'<form method="post" action="([^"]+)" id="enrolment-logout-form">', page)
    assert form is not None
    assert client.post(form.group(1)).status_code == 200
    assert "_auth_user_id" not in client.session


def test_without_the_setting_administrators_use_totp(client, make_staff, require_2fa) -> None:
    """NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS off: an administrator's TOTP code opens the admin."""
    user = make_staff("administrator", username="shirin")
    assert _login(client, "shirin", _totp_code(user)).status_code == 302
    assert client.get("/en/admin/auth/user/").status_code == 200


def test_registration_needs_a_verified_session(client, make_staff, require_2fa) -> None:
    """With 2FA required, a session without a second factor cannot register a passkey."""
    client.force_login(make_staff("editor", username="maryam"))
    assert client.get("/en/admin/passkeys/").status_code == 302
    assert client.post("/en/admin/passkeys/api/registration/begin/").status_code == 403


def test_only_discoverable_passkeys_are_registered(client, make_staff) -> None:
    """Registration asks for a passkey the authenticator finds without being told its id."""
    client.force_login(make_staff("editor", username="maryam"))
    options = client.post("/en/admin/passkeys/api/registration/begin/").json()
    assert options["authenticatorSelection"]["residentKey"] == "required"


def test_non_staff_cannot_register(client, django_user_model) -> None:
    """A logged-in user who is not staff gets no registration options."""
    client.force_login(django_user_model.objects.create_user(username="reader"))
    assert client.post("/en/admin/passkeys/api/registration/begin/").status_code == 403


def test_enrolment_page_lists_own_passkeys_only(client, make_staff) -> None:
    """The passkey page shows the logged-in member's own passkeys, none of another's."""
    own = make_staff("editor", username="maryam")
    other = make_staff("author", username="reza")
    _passkey(own)
    WebAuthnCredential.objects.filter(user=own).update(name="maryam's laptop")
    _passkey(other)
    WebAuthnCredential.objects.filter(user=other).update(name="reza's phone")
    client.force_login(own)
    page = client.get("/en/admin/passkeys/").content.decode()
    assert "maryam&#x27;s laptop" in page
    assert "reza" not in page
    assert 'href="/en/admin/passkeys/"' in client.get("/en/admin/").content.decode()
