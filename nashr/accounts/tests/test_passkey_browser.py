"""A staff member registers a passkey in Chromium and then logs in with it, password first."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Browser, Page

from nashr.accounts import services
from nashr.accounts.models import LoginThrottle
from nashr.accounts.tests.test_two_factor import PASSWORD, _code
from nashr.audit.models import AuditEntry
from nashr.core.actors import COMMAND
from nashr.testing.plugin import BrowserPage, RequestRecorder


def _virtual_authenticator(page: Page) -> tuple[Any, str]:
    """A platform authenticator (like a phone's or a laptop's) that says yes by itself."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _log_in(page: Page, url: str, *, code: str = "") -> None:
    page.goto(f"{url}/en/admin/login/?next=/en/admin/")
    page.fill("#id_username", "maryam")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", code)
    page.click("#login-form input[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_passkey_registered_then_used_to_log_in(
    live_server, settings, make_staff, chromium: Browser, browser_page: BrowserPage
) -> None:
    """Enrolled from the admin after a TOTP login, the passkey alone completes the next login."""
    settings.NASHR_REQUIRE_2FA = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")
    user = make_staff("editor", username="maryam")
    services.totp_enrol(actor=COMMAND, user=user)

    page = browser_page.page
    cdp, authenticator = _virtual_authenticator(page)
    _log_in(page, live_server.url, code=_code(TOTPDevice.objects.get(user=user)))
    page.wait_for_url(f"{live_server.url}/en/admin/")
    page.click("#nashr-account a")
    # The button is in the page before django-otp-webauthn's script (which first fetches its
    # translations) has bound it: a click before then does nothing.
    page.wait_for_load_state("networkidle")
    page.click("#passkey-register-button")
    page.wait_for_selector("#passkey-register-status-message[data-status-enum=success]")
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    enrolment = AuditEntry.objects.get(action="staff.passkey_enrol")
    assert (enrolment.actor_user_id, enrolment.target_id) == (user.pk, str(user.pk))
    assert enrolment.address_hash  # from the browser's request, hashed
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    assert not [line for line in browser_page.console if "Content Security Policy" in line]

    # The same authenticator in a fresh browser with no session: password, then passkey.
    context = chromium.new_context(locale="en-US")
    recorder = RequestRecorder()
    recorder.attach(context)
    try:
        fresh = context.new_page()
        fresh_cdp, fresh_authenticator = _virtual_authenticator(fresh)
        fresh_cdp.send(
            "WebAuthn.addCredential",
            {"authenticatorId": fresh_authenticator, "credential": credentials["credentials"][0]},
        )
        _log_in(fresh, live_server.url)
        fresh.wait_for_url(f"{live_server.url}/en/admin/passkeys/login/?next=%2Fen%2Fadmin%2F")
        # The password alone opened nothing.
        fresh.goto(f"{live_server.url}/en/admin/")
        assert fresh.url.startswith(f"{live_server.url}/en/admin/login/")
        fresh.go_back()
        # The login without a code counts as failed until the passkey completes it.
        counted = LoginThrottle.objects.filter(key__startswith="address-user:")
        assert counted.get().failures == 1
        fresh.wait_for_load_state("networkidle")
        fresh.click("#passkey-verification-button")
        fresh.wait_for_url(f"{live_server.url}/en/admin/")
        assert not counted.exists()
        assert fresh.locator("#nashr-account").count() == 1
        assert WebAuthnCredential.objects.get(user=user).last_used_at is not None
    finally:
        context.close()
    recorder.assert_local()
