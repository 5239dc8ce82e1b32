"""A new editor's first day in Chromium, in the Persian admin, two-factor required as in
production: the account an administrator makes in the admin, the enrolment (QR code and
key, a code typed in Persian digits), a statement written with an image inserted from its
form, its English translation, and the statement scheduled for tomorrow «۰۹:۰۰», listed
as scheduled with its time, the translation with it.

The steps each have their own, finer tests (accounts' enrolment, publications' times,
references and schedules); this one holds them together as one person meets them.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from binascii import unhexlify
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import Page

from nashr.core import calendars
from nashr.media.models import Media
from nashr.publications.models import Publication, Status
from nashr.testing.plugin import BrowserPage

PASSWORD = "a long passphrase for maryam 7"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(out, "JPEG")
    return out.getvalue()


def _tomorrow_nine() -> dt.datetime:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9, 0)))


def _jalali(day: dt.date) -> str:
    """The day as the Persian form takes it: «۱۴۰۵/۰۹/۱۷»."""
    return calendars.to_persian_digits(calendars.format_ymd(day, calendar="jalali")).replace(
        "-", "/"
    )


def _administrator_makes_the_account(page: Page, url: str, admin: Any) -> None:
    """The administrator adds the account and gives it the editor's role, in the admin."""
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
    )
    page.goto(f"{url}/fa/admin/auth/user/add/")
    page.fill("#id_username", "maryam")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/auth/user/\d+/change/$"))
    page.check("#id_is_staff")
    page.select_option("#id_groups_from", label="ویراستار")
    page.click("#id_groups_add")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/auth/user/$"))
    page.context.clear_cookies()


def _editor_enrols(page: Page, url: str) -> None:
    """Password, then the enrolment page: the QR code and key, a code in Persian digits."""
    page.goto(f"{url}/fa/admin/login/?next=/fa/admin/")
    page.fill("#id_username", "maryam")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_url(f"{url}/fa/admin/second-factor/")
    assert page.locator("#totp-qr svg").count() == 1
    letters = page.locator("#totp-secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user__username="maryam")
    assert base64.b32decode(letters + "=" * (-len(letters) % 8)) == device.bin_key
    code = f"{totp(unhexlify(device.key), step=device.step, digits=device.digits):06d}"
    page.fill("#id_code", code.translate(PERSIAN_DIGITS))
    page.click("#totp-enrol-form input[type=submit]")
    page.wait_for_url(f"{url}/fa/admin/")


def test_a_new_editors_first_statement_scheduled_with_its_translation(
    live_server, settings, kinds, signatory, tmp_path, browser_page: BrowserPage
) -> None:
    """From the account an administrator makes to a statement with an image, scheduled for
    tomorrow «۰۹:۰۰» with its English translation, all in the Persian admin."""
    settings.MEDIA_ROOT = str(tmp_path)
    admin = get_user_model().objects.create_superuser("boss", password=PASSWORD)
    page = browser_page.page
    url = live_server.url
    _administrator_makes_the_account(page, url, admin)
    settings.NASHR_REQUIRE_2FA = True  # as in production, for the editor's every step
    _editor_enrols(page, url)

    # The statement, with a photo inserted from its own form.
    page.goto(f"{url}/fa/admin/publications/publication/add/")
    page.select_option("#id_kind", str(kinds["statement"].pk))
    page.fill("#id_title", "بیانیه‌ی نخست مریم")
    page.fill("#id_body", "بند نخست بیانیه.")
    page.select_option("#id_signatory", str(signatory.pk))
    page.set_input_files(
        "#id_insert_file", {"name": "rally.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    page.fill("#id_insert_text", "جمعیت در میدان")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/publication/\d+/change/$"))
    original = Publication.objects.get(title="بیانیه‌ی نخست مریم")
    media = Media.objects.get()
    assert f"![](media:{media.pk})" in original.body

    # Its English translation, written and submitted for review.
    page.click("a[href*='translation_of'][href*='language=en']")
    page.wait_for_selector("#id_title")
    page.fill("#id_title", "Maryam's first statement")
    page.fill("#id_body", "The statement's first paragraph.")
    page.select_option("#id_status", Status.REVIEW)
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/publication/(\?.*)?$"))
    translation = Publication.objects.get(translation_key=original.translation_key, language="en")
    assert translation.status == Status.REVIEW

    # Scheduled for tomorrow at nine, the time typed in Persian digits.
    page.goto(f"{url}/fa/admin/publications/publication/{original.pk}/change/")
    page.fill("#id_publish_at_0", _jalali(timezone.localdate() + dt.timedelta(days=1)))
    page.fill("#id_publish_at_1", "۰۹:۰۰")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/publication/(\?.*)?$"))
    when = calendars.format_datetime(_tomorrow_nine(), "fa")
    assert when in page.inner_text("ul.messagelist")
    original.refresh_from_db()
    translation.refresh_from_db()
    assert original.publish_at == translation.publish_at == _tomorrow_nine()
    assert original.status == Status.DRAFT  # until the time comes

    # Listed as scheduled, with its time; the translation with it.
    page.goto(f"{url}/fa/admin/publications/publication/?state=scheduled")
    listed = page.inner_text("#result_list")
    assert "بیانیه‌ی نخست مریم" in listed and "Maryam's first statement" in listed
    assert when in listed
    # Django's script counts the rows chosen: in Persian digits too (nashr/admin/digits.js).
    page.check("#result_list input.action-select >> nth=0")
    counter = page.inner_text(".action-counter")
    assert re.fullmatch(r"۱ از ۲ انتخاب شده(?:\u200c)?(?:است|اند)?.*", counter.strip()), counter
    assert not re.search(r"[0-9]", counter)
    assert not browser_page.console_errors()
