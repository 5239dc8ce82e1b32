"""pytest plugin (loaded by nashr/conftest.py) for checks a reader's browser would make.

- `chromium`: Debian's Chromium through Playwright, one per test session.
- `browser_page`: a fresh browser context whose every request is recorded, and refused
  and reported if it would leave this machine; the test fails at teardown if one did.
- `axe_page`: the same with the page's Content-Security-Policy bypassed, so that
  axe-core can be injected into it; `run_axe(page)` returns WCAG 2.1 AA violations.
- `check_html(documents)`: the Nu Html Checker over many documents in one JVM start.
- `site_content`: representative content (nashr.testing.pages) in the test database.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    sync_playwright,
)

from nashr.testing.pages import SiteContent, build_site_content

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
# Schemes that name no host: nothing leaves the machine for them.
HOSTLESS_SCHEMES = frozenset({"data", "blob", "about"})


def is_local(url: str) -> bool:
    """True for a URL that the browser can fetch without asking another host."""
    parts = urlsplit(url)
    if parts.scheme in HOSTLESS_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS


@dataclass
class RequestRecorder:
    """Every request a browser context makes; those to other hosts are refused."""

    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        self.requests.append(url)
        if is_local(url):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")

    def assert_local(self) -> None:
        assert not self.foreign, f"requests left 127.0.0.1: {self.foreign}"


@dataclass
class BrowserPage:
    """A page, the requests its context made, and what its console said."""

    page: Page
    recorder: RequestRecorder
    console: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        """Console errors, such as a Content-Security-Policy violation."""
        return [line for line in self.console if line.startswith("error:")]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, started once for the session."""
    # Playwright's sync API keeps an asyncio loop running in this thread, after which
    # Django refuses ORM calls here unless told the thread is in fact synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser: Browser, *, bypass_csp: bool) -> tuple[BrowserContext, BrowserPage]:
    context = browser.new_context(bypass_csp=bypass_csp, locale="en-US")
    recorder = RequestRecorder()
    recorder.attach(context)
    page = context.new_page()
    opened = BrowserPage(page=page, recorder=recorder)

    def remember(message: ConsoleMessage) -> None:
        opened.console.append(f"{message.type}: {message.text}")

    page.on("console", remember)
    return context, opened


def _opened_page(chromium: Browser, *, bypass_csp: bool) -> Iterator[BrowserPage]:
    context, opened = _open(chromium, bypass_csp=bypass_csp)
    yield opened
    context.close()
    opened.recorder.assert_local()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[BrowserPage]:
    """A page as a reader gets it (the site's CSP applies); fails if a request left."""
    yield from _opened_page(chromium, bypass_csp=False)


@pytest.fixture
def axe_page(chromium: Browser) -> Iterator[BrowserPage]:
    """A page whose CSP is bypassed so that axe-core can run in it; fails if a request left."""
    yield from _opened_page(chromium, bypass_csp=True)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})""",
        AXE_TAGS,
    )
    return list(result["violations"])


def describe_axe(violations: list[dict[str, Any]]) -> list[str]:
    """One line per violation and element, for an assertion message."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in violations
        for node in v["nodes"]
    ]


def check_html(
    documents: Mapping[str, str], *, stylesheets: Mapping[str, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The Nu Html Checker's errors for each named document (one JVM for all of them).

    `stylesheets` (name -> CSS text) are checked in the same run. Warnings are left out:
    the bar is "no errors".
    """
    with tempfile.TemporaryDirectory(prefix="nashr-vnu-") as tmp:
        files: dict[str, str] = {}
        for name, text in documents.items():
            path = Path(tmp) / f"{name}.html"
            path.write_text(text, encoding="utf-8")
            files[path.resolve().as_uri()] = name
        for name, text in (stylesheets or {}).items():
            path = Path(tmp) / f"{name}.css"
            path.write_text(text, encoding="utf-8")
            files[path.resolve().as_uri()] = name
        completed = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--also-check-css",
             *sorted(unquote(urlsplit(uri).path) for uri in files)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )  # fmt: skip
    report = json.loads(completed.stdout)
    errors: dict[str, list[dict[str, Any]]] = {name: [] for name in files.values()}
    for message in report["messages"]:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        uri = message.get("url", "")
        name = files.get(uri) or files.get(uri.replace("file:/", "file:///", 1), uri)
        errors.setdefault(name, []).append(message)
    return errors


def describe_vnu(messages: list[dict[str, Any]]) -> list[str]:
    return [f"line {m.get('lastLine', '?')}: {m.get('message')}" for m in messages]


@pytest.fixture
def site_content(db: None) -> SiteContent:
    """Representative content of every app (see nashr/testing/pages.py)."""
    return build_site_content()
