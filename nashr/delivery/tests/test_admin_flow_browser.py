"""The bulletin's guided flow in Debian's Chromium, through the Persian admin: draft the
next issue, publish it after a confirmation, send it after a confirmation that counts the
recipients, and follow the progress (with the script, and without it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from nashr.bulletins.models import Bulletin
from nashr.bulletins.services import series_create_or_update
from nashr.core.actors import COMMAND
from nashr.delivery.models import Delivery
from nashr.testing.plugin import BrowserPage

PASSWORD = "a long passphrase 42"
# The page's headings whose text an object-tools button covers.
COVERED_HEADINGS = """() => {
  const buttons = [...document.querySelectorAll(".object-tools a")].map(
    (a) => a.getBoundingClientRect());
  return [...document.querySelectorAll("#content > h1, #content > h2")].filter((heading) => {
    const range = document.createRange();
    range.selectNodeContents(heading);
    return [...range.getClientRects()].some((text) => buttons.some((b) =>
      b.left < text.right && b.right > text.left && b.top < text.bottom && b.bottom > text.top));
  }).map((heading) => heading.textContent);
}"""
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page: Page, name: str, tmp_path: Path) -> None:
    """A screenshot at 1280 and at 390 px wide (NASHR_SCREENSHOTS names a folder to keep them)."""
    folder = Path(os.environ.get("NASHR_SCREENSHOTS") or tmp_path)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"admin-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/fa/admin/login/?next=/fa/admin/bulletins/bulletin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_url(re.compile(r".*/fa/admin/bulletins/bulletin/$"))


@pytest.fixture
def persian_list(kinds, make_publication, make_subscribers, make_staff):
    """A Persian series with one statement to carry, three confirmed readers and an editor."""
    series = series_create_or_update(
        actor=COMMAND, slug="khabarnameh", title="خبرنامه", language="fa", first_number=12
    )[0]
    make_publication(title="بیانیه درباره‌ی آزادی زندانیان سیاسی")
    make_subscribers(series, 3)
    make_staff("editor", username="editor")
    return series


def test_draft_publish_send_and_follow_in_the_persian_admin(
    live_server, smtp_sink, persian_list, browser_page: BrowserPage, tmp_path: Path
) -> None:
    """An editor drafts the next issue from the list, publishes it after a confirmation that
    saved the pending edit, sends it after a page counting ۳ recipients, and sees ۳ / ۳."""
    page = browser_page.page
    _log_in(page, live_server.url)
    _shot(page, "1-list", tmp_path)
    page.click("#content-main .object-tools a[href$='/bulletin/draft/']")
    _shot(page, "2-draft", tmp_path)
    page.click("form.nashr-draft input[type=submit]")
    draft = Bulletin.objects.get()
    page.wait_for_url(re.compile(rf".*/bulletin/{draft.pk}/change/$"))
    message = page.inner_text("ul.messagelist")
    assert "۱۲" in message  # the number it will get, not the database id
    assert page.locator(f"ul.messagelist a[href$='/bulletin/{draft.pk}/change/']").count() == 1
    assert draft.items.count() == 1

    page.fill("#id_editorial_title", "سرمقاله‌ی این شماره")
    _shot(page, "3-draft-form", tmp_path)
    page.click("input[name=_publish]")
    page.wait_for_url(re.compile(rf".*/bulletin/{draft.pk}/publish/$"))
    draft.refresh_from_db()
    assert draft.editorial_title == "سرمقاله‌ی این شماره"  # saved before asking
    assert draft.number is None
    assert "۱۲" in page.inner_text("#content-main")
    _shot(page, "4-publish-confirm", tmp_path)
    page.click("#content-main form input[type=submit]")
    # Published, the flow goes on to its next step: sending.
    page.wait_for_url(re.compile(rf".*/sending/{draft.pk}/send/$"))
    published = Bulletin.objects.get(pk=draft.pk)
    assert (published.status, published.number) == ("published", 12)
    page.goto(f"{live_server.url}/fa/admin/bulletins/bulletin/{draft.pk}/change/")
    # Published: read-only, with "correct this issue" the way to change it.
    assert page.locator("input[name=_save]").count() == 0
    assert page.locator("#id_editorial_title").count() == 0
    assert page.locator("a[href='?correct=1']").count() == 1
    # Its buttons leave the heading readable on a laptop's screen.
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.evaluate(COVERED_HEADINGS) == []
    _shot(page, "5-published", tmp_path)

    page.click("a.nashr-send")
    page.wait_for_url(re.compile(rf".*/sending/{draft.pk}/send/$"))
    assert "۳" in page.inner_text(".nashr-recipients")
    assert page.locator(".nashr-earlier").count() == 0
    assert not Delivery.objects.exists()  # nothing leaves before the confirmation
    _shot(page, "6-send-confirm", tmp_path)
    page.click("#content-main form input[type=submit]")
    page.wait_for_url(re.compile(rf".*/sending/{draft.pk}/progress/$"))
    assert page.get_attribute("#sending-progress", "data-done") == "true"
    assert "۳ / ۳" in page.inner_text("#sending-progress")
    assert smtp_sink.count() == 3
    _shot(page, "7-progress", tmp_path)

    page.goto(f"{live_server.url}/fa/admin/delivery/sending/{draft.pk}/send/")
    assert "۳" in page.inner_text(".nashr-earlier")  # already sent to ۳ on …
    # The progress table fits a phone held upright: nothing wider than the screen.
    page.goto(f"{live_server.url}/fa/admin/delivery/sending/{draft.pk}/progress/")
    page.set_viewport_size({"width": 390, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert browser_page.console_errors() == []


def test_progress_updates_with_the_script_and_refreshes_without_it(
    live_server, settings, smtp_sink, persian_list, publish_issue, chromium, browser_page
) -> None:
    """While the task waits for a worker the page says so; the script shows the finished
    sending without a reload, and without scripts the page asks to be reloaded."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issue = publish_issue(persian_list)
    page = browser_page.page
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/fa/admin/delivery/sending/{issue.pk}/send/")
    page.click("#content-main form input[type=submit]")
    page.wait_for_url(re.compile(rf".*/sending/{issue.pk}/progress/$"))
    assert page.get_attribute("#sending-progress", "data-done") == "false"
    page.evaluate("window.nashrMarker = 1")  # gone if the page reloads
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # the worker
    page.wait_for_selector("#sending-progress[data-done=true]", timeout=15_000)
    assert page.evaluate("window.nashrMarker") == 1
    assert "۳ / ۳" in page.inner_text("#sending-progress")
    assert browser_page.console_errors() == []

    context = chromium.new_context(java_script_enabled=False)
    try:
        cookies = page.context.cookies()
        context.add_cookies(cookies)
        Delivery.objects.update(state="queued", sent_at=None)
        plain = context.new_page()
        response = plain.goto(f"{live_server.url}/fa/admin/delivery/sending/{issue.pk}/progress/")
        assert response is not None
        html = response.text()
        assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', html)
    finally:
        context.close()


def test_from_the_front_page_to_a_send_that_warns_of_nobody(
    live_server, smtp_sink, kinds, make_publication, make_staff, browser_page: BrowserPage
) -> None:
    """One flow from the admin's front page («خبرنامه‌ی بعدی»): draft, items (the month
    chosen by name), preview, publish, and a send page that warns that nobody receives
    the issue and sends nothing until that is confirmed."""
    series = series_create_or_update(
        actor=COMMAND, slug="khabarnameh", title="خبرنامه", language="fa", first_number=5
    )[0]
    make_publication(title="بیانیه درباره‌ی آزادی زندانیان سیاسی")
    make_staff("editor", username="editor")
    page = browser_page.page
    page.goto(f"{live_server.url}/fa/admin/login/?next=/fa/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_url(re.compile(r".*/fa/admin/$"))

    page.click("text=خبرنامه‌ی بعدی")
    page.click("form.nashr-draft input[type=submit]")
    draft = Bulletin.objects.get(series=series)
    page.wait_for_url(re.compile(rf".*/bulletin/{draft.pk}/change/$"))
    months = page.locator("select[name=period_month] option").all_inner_texts()
    assert "فروردین" in months and "اسفند" in months
    page.fill("#id_editorial_title", "سرمقاله‌ی این شماره")
    page.click("input[name=_preview]")
    page.wait_for_url(re.compile(rf".*/bulletin/{draft.pk}/steps/preview/$"))
    page.click("a.nashr-next")
    page.wait_for_url(re.compile(rf".*/bulletin/{draft.pk}/publish/$"))
    page.click("#content-main form input[type=submit]")
    page.wait_for_url(re.compile(rf".*/sending/{draft.pk}/send/$"))
    assert Bulletin.objects.get(pk=draft.pk).number == 5

    # Nobody is subscribed: the page says so, and sending needs a box ticked first.
    assert "هیچ کس این شماره را دریافت نمی‌کند" in page.inner_text("#content-main")
    box = page.locator("input[name=confirm_nobody]")
    assert box.count() == 1
    page.click("#content-main form input[type=submit]")  # refused by the browser: required
    assert page.url.endswith(f"/sending/{draft.pk}/send/")
    assert not Delivery.objects.exists()
    box.check()
    page.click("#content-main form input[type=submit]")
    page.wait_for_url(re.compile(rf".*/sending/{draft.pk}/progress/$"))
    assert smtp_sink.count() == 0
    assert browser_page.console_errors() == []
