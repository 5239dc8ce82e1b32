"""The Persian admin pages an editor works in are valid HTML and pass axe-core's WCAG 2.1
AA rules, apart from what Django's own admin templates do (listed, with the reason)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from nashr.bulletins.services import bulletin_draft, series_create_or_update
from nashr.core.actors import COMMAND
from nashr.testing.plugin import BrowserPage, check_html, describe_axe, describe_vnu, run_axe

# What Django's admin itself gets wrong, whatever Nashr does: (checker, what the finding
# says, where, why it is Django's).
DJANGOS_OWN: list[tuple[str, str, str, str]] = [
    (
        "axe",
        "link-in-text-block",
        ".breadcrumbs",
        "Django's admin.css colours the breadcrumbs' links without underlining them",
    ),
    (
        "vnu",
        "Element “option” without attribute “label” must not be empty",
        "",
        "Django's AutocompleteSelect writes an empty first option for select2's placeholder",
    ),
]


def _pages(make_publication: Any, make_subscribers: Any, publish_issue: Any) -> list[str]:
    """The admin pages of the editor's day, with content to show."""
    statement = make_publication(title="بیانیه درباره‌ی آزادی زندانیان سیاسی")
    series = series_create_or_update(
        actor=COMMAND, slug="khabarnameh", title="خبرنامه", language="fa"
    )[0]
    issue = publish_issue(series)
    draft = bulletin_draft(actor=COMMAND, series=series)
    make_subscribers(series, 3)
    base = "/fa/admin/"
    return [
        f"{base}publications/publication/",
        f"{base}publications/publication/{statement.pk}/change/",
        f"{base}publications/publication/add/?translation_of={statement.pk}&language=en",
        f"{base}bulletins/bulletin/",
        f"{base}bulletins/bulletin/draft/",
        f"{base}bulletins/bulletin/{draft.pk}/change/",
        f"{base}bulletins/bulletin/{draft.pk}/steps/preview/",
        f"{base}bulletins/bulletin/{draft.pk}/publish/",
        f"{base}bulletins/bulletin/{issue.pk}/change/",
        f"{base}delivery/sending/{issue.pk}/send/",
        f"{base}delivery/sending/{issue.pk}/progress/",
    ]


def _nashrs_own(found: list[str], checker: str) -> list[str]:
    return [
        line
        for line in found
        if not any(
            c == checker and finding in line and where in line
            for c, finding, where, _why in DJANGOS_OWN
        )
    ]


@pytest.mark.django_db
def test_admin_pages_are_valid_html(
    make_staff: Callable[..., Any], make_publication, make_subscribers, publish_issue
) -> None:
    """The Nu Html Checker finds no error of Nashr's in the editor's admin pages."""
    client = Client()
    client.force_login(make_staff("editor"))
    documents = {}
    for path in _pages(make_publication, make_subscribers, publish_issue):
        response = client.get(path)
        assert response.status_code == 200, path
        name = path.split("?")[0].strip("/").replace("/", "-") + ("-query" if "?" in path else "")
        documents[name] = response.content.decode()
    errors = check_html(documents)
    found = {name: _nashrs_own(describe_vnu(m), "vnu") for name, m in errors.items()}
    failed = {name: lines for name, lines in found.items() if lines}
    assert failed == {}, "\n".join(f"{n}: {line}" for n, lines in failed.items() for line in lines)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_pages_pass_axe(
    live_server, axe_page: BrowserPage, make_staff, make_publication, make_subscribers,
    publish_issue,
) -> None:  # fmt: skip
    """axe-core finds no WCAG 2.1 A/AA violation of Nashr's in the editor's admin pages."""
    make_staff("editor", username="editor")
    paths = _pages(make_publication, make_subscribers, publish_issue)
    page = axe_page.page
    page.goto(f"{live_server.url}/fa/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long passphrase 42")
    page.click("#login-form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/fa/admin/")
    found: dict[str, list[str]] = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        if lines := _nashrs_own(describe_axe(run_axe(page)), "axe"):
            found[path] = lines
    assert found == {}, "\n".join(f"{p}: {line}" for p, lines in found.items() for line in lines)
