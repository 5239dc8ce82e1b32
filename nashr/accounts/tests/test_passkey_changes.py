"""Adding or removing a passkey needs a recent authentication and tells the account's holder."""

from __future__ import annotations

import hashlib
import json
import os
import struct

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from nashr.accounts.tests.test_two_factor import PASSWORD
from nashr.audit.models import AuditEntry

BEGIN = "/en/admin/passkeys/api/registration/begin/"
COMPLETE = "/en/admin/passkeys/api/registration/complete/"


@pytest.fixture
def relying_party(settings):
    """The test client's host as the site whose passkeys are registered."""
    settings.OTP_WEBAUTHN_RP_ID = "testserver"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://testserver"]


def _attestation(options: dict) -> dict:
    """What a browser answers to `options`: a new P-256 key, attested with format "none"."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    cose_key = cbor2.dumps(
        {1: 2, 3: -7, -1: 1, -2: key.x.to_bytes(32, "big"), -3: key.y.to_bytes(32, "big")}
    )
    credential_id = os.urandom(16)
    auth_data = (
        hashlib.sha256(options["rp"]["id"].encode()).digest()
        + bytes([0x45])  # user present, user verified, attested credential data
        + struct.pack(">I", 0)
        + bytes(16)  # aaguid
        + struct.pack(">H", len(credential_id))
        + credential_id
        + cose_key
    )
    client_data = json.dumps(
        {
            "type": "webauthn.create",
            "challenge": bytes_to_base64url(base64url_to_bytes(options["challenge"])),
            "origin": "http://testserver",
        }
    ).encode()
    attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
    return {
        "id": bytes_to_base64url(credential_id),
        "rawId": bytes_to_base64url(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": bytes_to_base64url(client_data),
            "attestationObject": bytes_to_base64url(attestation),
            "transports": ["internal"],
        },
        "clientExtensionResults": {"credProps": {"rk": True}},
    }


def _register(client):
    options = client.post(BEGIN).json()
    return client.post(COMPLETE, _attestation(options), content_type="application/json")


def test_registration_needs_a_recent_authentication(
    client, make_staff, clock, relying_party, django_capture_on_commit_callbacks
) -> None:
    """Minutes after login, no passkey is registered until the password is typed again."""
    user = make_staff("administrator", username="shirin")
    user.email = "shirin@example.org"
    user.save()
    client.force_login(user)
    clock.advance(minutes=6)
    assert client.post(BEGIN).status_code == 403
    page = client.get("/en/admin/passkeys/").content.decode()
    assert 'id="password-again-form"' in page
    assert 'id="passkey-registration-placeholder"' not in page

    wrong = client.post("/en/admin/passkeys/", {"password": "a wrong guess"})
    assert "That is not your password." in wrong.content.decode()
    assert client.post(BEGIN).status_code == 403
    assert not WebAuthnCredential.objects.exists()

    assert client.post("/en/admin/passkeys/", {"password": PASSWORD}).status_code == 302
    assert (
        'id="passkey-registration-placeholder"'
        in client.get("/en/admin/passkeys/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(client).status_code == 200
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    entry = AuditEntry.objects.get(action="staff.passkey_enrol")
    assert (entry.actor_user_id, entry.target_id) == (user.pk, str(user.pk))
    (notice,) = mail.outbox
    assert notice.to == ["shirin@example.org"]
    assert "shirin" in notice.subject
    assert "If it was not you" in notice.body

    clock.advance(minutes=6)
    assert client.post(BEGIN).status_code == 403


def test_removal_needs_a_recent_authentication(
    client, make_staff, clock, relying_party, django_capture_on_commit_callbacks
) -> None:
    """A passkey is removed only soon after an authentication; the holder is mailed of it."""
    user = make_staff("editor", username="maryam")
    user.email = "maryam@example.org"
    user.save()
    client.force_login(user)
    _register(client)
    credential = WebAuthnCredential.objects.get(user=user)
    mail.outbox.clear()
    clock.advance(minutes=6)
    client.post("/en/admin/passkeys/", {"remove": credential.pk})
    assert WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    assert not AuditEntry.objects.filter(action="staff.passkey_remove").exists()

    client.post("/en/admin/passkeys/", {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/admin/passkeys/", {"remove": credential.pk})
    assert not WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    assert AuditEntry.objects.filter(action="staff.passkey_remove", actor_user_id=user.pk).exists()
    (notice,) = mail.outbox
    assert notice.to == ["maryam@example.org"]
    assert "removed" in notice.subject


def test_nobody_removes_another_members_passkey(client, make_staff, relying_party) -> None:
    """The removal button takes only the logged-in member's own keys."""
    owner = make_staff("editor", username="maryam")
    client.force_login(owner)
    _register(client)
    credential = WebAuthnCredential.objects.get(user=owner)
    client.force_login(make_staff("administrator", username="shirin"))
    client.post("/en/admin/passkeys/", {"remove": credential.pk})
    assert WebAuthnCredential.objects.filter(pk=credential.pk).exists()
