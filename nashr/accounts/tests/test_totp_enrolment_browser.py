"""A new editor enrols an authenticator app in Chromium, in the Persian admin, with no terminal."""

from __future__ import annotations

import base64
import re
from binascii import unhexlify

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nashr.accounts.tests.test_two_factor import PASSWORD
from nashr.testing.plugin import BrowserPage

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_editor_enrols_and_reaches_the_admin(
    live_server, settings, make_staff, browser_page: BrowserPage
) -> None:
    """Password, a visible QR code and key, a code typed in Persian digits: the admin opens."""
    settings.NASHR_REQUIRE_2FA = True
    user = make_staff("editor", username="maryam")
    page = browser_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/fa/admin/login/?next=/fa/admin/")
    page.fill("#id_username", "maryam")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/fa/admin/second-factor/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    qr = page.locator("#totp-qr svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150 and box["height"] >= 150
    secret = page.locator("#totp-secret")
    assert secret.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert secret.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    letters = secret.inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=user)
    assert base64.b32decode(letters + "=" * (-len(letters) % 8)) == device.bin_key
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    code = f"{totp(unhexlify(device.key), step=device.step, digits=device.digits):06d}"
    page.fill("#id_code", code.translate(PERSIAN_DIGITS))
    page.click("#totp-enrol-form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/fa/admin/")
    assert page.locator("#nashr-account").count() == 1
    assert re.search("راه‌اندازی شد", page.locator(".messagelist").inner_text())
    assert not browser_page.console_errors()
    browser_page.recorder.assert_local()
