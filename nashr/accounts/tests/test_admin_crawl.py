"""Every admin page the administrator and an editor reach from the index, with the demo
content (`nashr demo`), reads Persian: no English word of Django's or Nashr's, no
Gregorian month, no Latin digit; and at 390 px no page is wider than the screen.

Content (titles, names, the series' labels, user names) may be in any language and is
left out of the check by its stored text; what else may stay English is in EXCEPTIONS,
each with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import lxml.html  # type: ignore[import-untyped]  # no stubs; installed with pikepdf
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from nashr.accounts.tests.test_persian_admin import (
    CODE,
    GREGORIAN_MONTHS,
    LATIN_DIGIT,
    _gregorian_year,
    crawl,
)
from nashr.audit.models import AuditEntry
from nashr.bulletins.models import Bulletin, BulletinItem, Series
from nashr.core.calendars import to_persian_digits
from nashr.media.models import Media
from nashr.publications.models import Kind, Publication, Signatory
from nashr.testing.plugin import BrowserPage

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# Words of the text that are addresses (a mark of direction may come before a path).
ADDRESS = re.compile(r"\S*(?:://|@|media:)\S*|(?<![^\s\u200e\u200f\u2066-\u2069])/\S*")
# Attributes a reader (or a screen reader) is given as text.
TEXT_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# English that stays, and why.
EXCEPTIONS = {
    # Names of technologies and formats, written so in Persian too.
    "TOTP": "the name of the standard, as authenticator apps show it",
    "PDF": "a file format's name",
    "QR": "the name of the code the authenticator app scans",
    "Markdown": "the name of the text format",
    "Control": "a key's name, as printed on the keyboard (Django's help text)",
    "Command": "a key's name, as printed on the keyboard (Django's help text)",
    "Mac": "a computer's name (Django's help text)",
    "Django": "the framework's name, in Django's own page titles",
    "JPEG": "a file format's name",
    "PNG": "a file format's name",
    "WebP": "a file format's name",
    "SSO": "an abbreviation explained beside it (ورود یکپارچه)",
    "LDAP": "a protocol's name",
    "NASHR_ENROLMENT_HOURS": "a setting's name, which the administrator configures",
    "system": "the system's actor names in the audit trail (system:demo): proper names",
    "pbkdf2_sha256": "the password hash's algorithm, as Django names it",
    "FreeOTP": "an authenticator app's name",
    "Aegis": "an authenticator app's name",
    "Google": "part of an authenticator app's name",
    "Microsoft": "part of an authenticator app's name",
    "Authenticator": "part of an authenticator app's name",
}
# Phrases that stay English, and why.
EXCEPTION_PHRASES = {
    "authenticator app": "the name an authenticator app is given when its owner enrols it "
    "(stored so, shown translated in the device list; Django's titles show it as stored)",
    "search entry of publication": "the search index's row of a publication, named on the "
    "publication's delete page (nashr.search's model has no translated name yet)",
}


def content_texts() -> list[str]:
    """Every text of the demo's content and of its people: titles, names, labels."""
    texts: set[str] = set()
    texts.update(Publication.objects.values_list("title", flat=True))
    texts.update(Series.objects.values_list("title", flat=True))
    texts.update(Series.objects.values_list("label", flat=True))
    texts.update(Bulletin.objects.values_list("editorial_title", flat=True))
    texts.update(Bulletin.objects.values_list("editorial_body", flat=True))
    texts.update(BulletinItem.objects.values_list("title", flat=True))
    texts.update(BulletinItem.objects.values_list("text", flat=True))
    texts.update(BulletinItem.objects.values_list("slogan", flat=True))
    texts.update(Media.objects.values_list("title", flat=True))
    texts.update(get_user_model().objects.values_list("username", flat=True))
    texts.update(AuditEntry.objects.values_list("target_label", flat=True))
    for model in (Kind, Signatory):
        for names in model.objects.values_list("names", flat=True):
            texts.update(names.values())
    texts.update(Signatory.objects.values_list("slug", flat=True))
    texts.update(Kind.objects.values_list("slug", flat=True))
    found = {text.strip() for text in texts if text and text.strip()}
    # The page writes their digits in Persian (a title's year): both spellings are content.
    found |= {to_persian_digits(text) for text in found}
    return sorted(found, key=len, reverse=True)


def problems_of(html: str, content: list[str]) -> list[str]:
    """Each Persian text (and text attribute) of the page that holds an English word, a
    Latin digit or a Gregorian month or year; content and the exceptions left out."""
    root = lxml.html.document_fromstring(html)
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        ancestry = [element, *element.iterancestors()]
        if any(node.tag in CODE for node in ancestry):
            continue
        lang = next((node.get("lang") for node in ancestry if node.get("lang")), "fa")
        if not lang.startswith("fa"):
            continue
        texts = [element.text or "", *(child.tail or "" for child in element)]
        texts += [element.get(name) or "" for name in TEXT_ATTRIBUTES]
        if element.tag == "input" and element.get("type") in {"submit", "button"}:
            texts.append(element.get("value") or "")
        for text in texts:
            text = ADDRESS.sub(" ", text)
            for piece in [*content, *EXCEPTION_PHRASES]:
                if piece in text:
                    text = text.replace(piece, " ")
            words = [w for w in ENGLISH_WORD.findall(text) if w not in EXCEPTIONS]
            if words or LATIN_DIGIT.search(text) or GREGORIAN_MONTHS.search(text):
                found.append(f"<{element.tag}> {' '.join(words)}: {text.strip()[:100]!r}")
            elif _gregorian_year(text):
                found.append(f"<{element.tag}> a Gregorian year: {text.strip()[:100]!r}")
    return found


@pytest.fixture
def demo_site(db: None, make_staff) -> dict[str, Client]:
    """The demo content, its administrator ("demo") and an editor, each logged in."""
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    clients = {}
    for role, user in (
        ("administrator", get_user_model().objects.get(username="demo")),
        ("editor", make_staff("editor", username="sara")),
    ):
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


def _report(report: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}\n  " + "\n  ".join(problems[:6]) for url, problems in report.items())


@pytest.mark.parametrize("role", ["administrator", "editor"])
def test_every_admin_page_reads_persian(demo_site: dict[str, Client], role: str) -> None:
    """From /fa/admin/, every page reached holds no English word outside content and the
    exceptions, no Gregorian month and no Latin digit."""
    client = demo_site[role]
    content = content_texts()
    seen, _digits_report = crawl(client, "/fa/admin/", limit=300)
    report: dict[str, list[str]] = {}
    for url in sorted(seen):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        if problems := problems_of(response.content.decode(), content):
            report[url] = problems
    assert len(seen) > (100 if role == "administrator" else 60)
    assert report == {}, _report(report)


def test_the_checker_catches_english_and_leaves_content() -> None:
    """Django's untranslated "Model name" is caught; a title, code and English content
    marked with its language are not."""
    page = (
        '<html lang="fa"><body><th>Model name</th><a>Nowruz message</a>'
        '<code>publication.create</code><p lang="en">Statement</p>'
        '<img alt="Search"><p>برنامه‌های تأیید هویت (TOTP)</p></body></html>'
    )
    assert [line.split(":")[0] for line in problems_of(page, ["Nowruz message"])] == [
        "<th> Model name",
        "<img> Search",
    ]
    assert problems_of('<html lang="fa"><body><p>۱۲ مارس ۲۰۲۴</p></body></html>', [])
    assert problems_of('<html lang="fa"><body><p>۰ از 29 انتخاب شده</p></body></html>', [])


def _kinds_of(urls: set[str]) -> Iterator[str]:
    """One address of each kind of page (a list, a change form of each model, ...)."""
    kinds: dict[str, str] = {}
    for url in sorted(urls):
        kind = re.sub(r"/\d+/", "/N/", urlsplit(url).path) + ("?" if "?" in url else "")
        kinds.setdefault(kind, url)
    return iter(sorted(kinds.values()))


WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 1 || box.left < -1)
      && getComputedStyle(e).position !== "fixed" && !e.closest(".nashr-scroll, .hidden");
  });
  return {page: document.documentElement.scrollWidth,
          elements: wide.slice(0, 3).map((e) => e.tagName + "." + e.className)};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_admin_page_is_wider_than_a_phone(
    live_server, make_staff, browser_page: BrowserPage
) -> None:
    """At 390 px, one page of each kind an editor and the administrator reach scrolls
    nowhere sideways: nothing is wider than the screen."""
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    page = browser_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    wide: dict[str, object] = {}
    for user in (get_user_model().objects.get(username="demo"), make_staff("editor")):
        client = Client()
        client.force_login(user)
        seen, _report = crawl(client, "/fa/admin/", limit=300)
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value,
              "url": live_server.url}]
        )  # fmt: skip
        for url in _kinds_of(seen):
            page.goto(f"{live_server.url}{url}")
            measured = page.evaluate(WIDER_THAN_SCREEN)
            if measured["page"] > 390:
                wide[url] = measured
    assert wide == {}, "\n".join(f"{url}: {found}" for url, found in wide.items())
