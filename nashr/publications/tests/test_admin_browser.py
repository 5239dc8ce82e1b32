"""The editorial admin in Debian's Chromium: a real login, and direction following the content."""

from __future__ import annotations

import pytest

from nashr.testing.plugin import BrowserPage

PASSWORD = "a long passphrase 42"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_and_body_direction_in_chromium(
    live_server, make_staff, browser_page: BrowserPage
) -> None:
    """An editor logs in through the form; the body turns ltr when English is chosen."""
    make_staff("editor", username="editor")
    page = browser_page.page
    page.goto(f"{live_server.url}/fa/admin/login/?next=/fa/admin/publications/publication/add/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_selector("#id_body")
    # The form's script listens for the language from DOMContentLoaded on (direction.js):
    # an editor chooses after that; a choice made before it would be missed by the test.
    page.wait_for_load_state("load")
    direction = "e => getComputedStyle(e).direction"
    assert page.eval_on_selector("#id_body", direction) == "rtl"
    page.select_option("#id_language", "en")
    assert page.eval_on_selector("#id_body", direction) == "ltr"
    assert page.eval_on_selector("#id_title", "e => e.lang") == "en"
    assert page.eval_on_selector("html", "e => e.dir") == "rtl"  # the admin stays Persian
    blocked = [line for line in browser_page.console if "Content Security Policy" in line]
    assert blocked == []
