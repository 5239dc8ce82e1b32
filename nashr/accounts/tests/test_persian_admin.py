"""The Persian admin reads Persian all the way through: a crawl of every page an editor
reaches, with sample content, finds no Gregorian date and no Latin digit in its text."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from urllib.parse import urldefrag, urlsplit

import lxml.html  # type: ignore[import-untyped]  # no stubs; installed with pikepdf
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from nashr.bulletins.models import Bulletin, Series
from nashr.bulletins.services import bulletin_draft, bulletin_publish
from nashr.core.actors import COMMAND
from nashr.delivery.models import Delivery
from nashr.delivery.services import delivery_enqueue
from nashr.publications.models import Publication
from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db

# Text whose digits are code or typed by the user, or content in another language.
CODE = {"script", "style", "code", "pre", "kbd", "samp", "textarea"}
# Words of the text that are addresses: URLs, paths (perhaps after a mark of direction),
# e-mail addresses.
ADDRESS = re.compile(r"\S*(?:://|@)\S*|(?<![^\s\u200e\u200f\u2066-\u2069])/\S*")
LATIN_DIGIT = re.compile(r"[0-9]")
GREGORIAN_MONTHS = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
    # The Persian names Django gives the Gregorian months.
    r"|ژانویه|فوریه|مارس|آوریل|ژوئن|ژوئیه|ژوئیهٔ|اوت|سپتامبر|اکتبر|نوامبر|دسامبر"
)
PERSIAN_YEAR = re.compile(r"(?<![۰-۹])([۰-۹]{4})(?![۰-۹])")
# Pages that change something when fetched, or that are no page of the admin's text.
SKIPPED = re.compile(r"/logout/|/preview/|/preview\.eml|/jsi18n/|/autocomplete/")


def _gregorian_year(text: str) -> str | None:
    """A four-digit Persian-digit number that can only be a Gregorian year (1800-2300)."""
    for found in PERSIAN_YEAR.finditer(text):
        year = int(found.group(1).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
        if 1800 <= year <= 2300:
            return found.group(1)
    return None


def problems_of(html: str) -> list[str]:
    """Each text of the page, in Persian, that holds a Latin digit or a Gregorian date."""
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
        texts = [element.text or ""]
        texts += [child.tail or "" for child in element if child.tail]
        for text in texts:
            text = ADDRESS.sub(" ", text)
            if LATIN_DIGIT.search(text) or GREGORIAN_MONTHS.search(text) or _gregorian_year(text):
                found.append(f"<{element.tag}> {text.strip()[:120]!r}")
    return found


def crawl(
    client: Client,
    *starts: str,
    limit: int = 400,
    check: Callable[[str], list[str]] = problems_of,
) -> tuple[set[str], dict[str, list[str]]]:
    """Every admin page reachable from `starts` by links, and the problems `check` finds in
    each."""
    seen: set[str] = set()
    queue = deque(starts)
    report: dict[str, list[str]] = {}
    per_kind: dict[str, int] = {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        if problems := check(html):
            report[url] = problems
        for href in lxml.html.document_fromstring(html).xpath("//a/@href"):
            link = urldefrag(href)[0]
            if link.startswith("?"):
                link = urlsplit(url).path + link
            path = urlsplit(link).path
            if not path.startswith("/fa/admin/") or SKIPPED.search(link) or link in seen:
                continue
            # Filters combine without end, and rows of one list look alike: a few filtered
            # views of each list, and a few rows of each kind, are enough.
            kind = re.sub(r"/\d+/", "/N/", path) + ("?" if "?" in link else "")
            per_kind[kind] = per_kind.get(kind, 0) + 1
            if per_kind[kind] > 3:
                continue
            queue.append(link)
    return seen, report


def assert_clean_crawl(seen: set[str], report: dict[str, list[str]], *pages: str) -> None:
    """The crawl reached each of `pages` (ids written N) and found nothing on any page."""
    visited = {re.sub(r"/\d+/", "/N/", urlsplit(url).path) for url in seen}
    for page in pages:
        assert page in visited, page
    assert report == {}, "\n".join(
        f"{url}\n  " + "\n  ".join(problems[:5]) for url, problems in report.items()
    )


@pytest.fixture
def editor_admin(site_content: SiteContent, make_staff, make_subscribers) -> Client:
    """An editor logged in, with publications, a published and sent issue, a draft,
    subscribers and their deliveries to look at."""
    from nashr.bulletins.models import Series

    series = Series.objects.get(slug="khabarnameh")
    issue = bulletin_publish(actor=COMMAND, bulletin=bulletin_draft(actor=COMMAND, series=series))
    bulletin_draft(actor=COMMAND, series=series)
    make_subscribers(series, 12)
    delivery_enqueue(bulletin=issue)
    Delivery.objects.filter(pk__in=Delivery.objects.values("pk")[:10]).update(
        state="sent", sent_at=timezone.now(), attempts=1
    )
    editor = make_staff("editor")
    # A line of Django's own history, for the history pages.
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Publication),
        object_id=str(site_content["statement_fa"].pk),
        object_repr="بیانیه",
        action_flag=CHANGE,
        change_message="[]",
    )
    client = Client()
    client.force_login(editor)
    return client


def test_the_editors_admin_has_no_gregorian_date_or_latin_digit(editor_admin: Client) -> None:
    """Every page an editor reaches from /fa/admin/ writes dates in the Jalali calendar and
    numbers in Persian digits (code, addresses and other-language content aside)."""
    # A button (a form), not a link, leads to the publishing confirmation.
    draft = Bulletin.objects.filter(status="draft").get()
    seen, report = crawl(
        editor_admin, "/fa/admin/", f"/fa/admin/bulletins/bulletin/{draft.pk}/publish/"
    )
    assert_clean_crawl(
        seen,
        report,
        "/fa/admin/bulletins/bulletin/N/change/",
        "/fa/admin/bulletins/bulletin/draft/",
        "/fa/admin/bulletins/bulletin/N/publish/",
        "/fa/admin/delivery/sending/N/send/",
        "/fa/admin/delivery/sending/N/progress/",
        "/fa/admin/delivery/delivery/N/change/",
        "/fa/admin/publications/publication/N/history/",
        "/fa/admin/publications/publication/translations/",
        "/fa/admin/subscribers/subscriber/N/change/",
    )


# Where Django writes a name inside a sentence or a value of its own, left unmarked: the
# delete page's question and its list of what goes with the object, and read-only values.
UNMARKED_PLACES = (
    "//body[contains(@class, 'delete-confirmation')]//div[@id='content']//*[self::p or self::ul]"
    " | //div[contains(@class, 'readonly')]"
)


def unmarked_names(names: list[str]) -> Callable[[str], list[str]]:
    """A check for crawl(): each text of a page, in Persian, holding one of `names` (English
    content's titles) outside an element that says its language (head and code aside)."""

    def check(html: str) -> list[str]:
        root = lxml.html.document_fromstring(html)
        skipped = set(root.xpath(UNMARKED_PLACES))
        found = []
        for element in root.body.iter():
            if not isinstance(element.tag, str) or element.tag in CODE:
                continue
            ancestry = [element, *element.iterancestors()]
            if any(node in skipped for node in ancestry):
                continue
            lang = next((node.get("lang") for node in ancestry if node.get("lang")), "fa")
            if not lang.startswith("fa"):
                continue
            texts = [element.text or ""] + [child.tail or "" for child in element if child.tail]
            found += [
                f"<{element.tag}> {text.strip()[:80]!r}"
                for text in texts
                if any(name in text for name in names)
            ]
        return found

    return check


def test_english_names_in_the_persian_admin_say_their_language(editor_admin: Client) -> None:
    """An English title on a page of the Persian admin (a list, a filter, a heading, the
    breadcrumbs, a choice) is in an element saying lang="en" dir="ltr": read by a screen
    reader in English, set left to right with its punctuation."""
    english = [
        *Publication.objects.filter(language="en").values_list("title", flat=True),
        *Series.objects.filter(language="en").values_list("title", flat=True),
    ]
    assert "Newsletter" in english
    seen, report = crawl(editor_admin, "/fa/admin/", check=unmarked_names(english))
    assert_clean_crawl(
        seen,
        report,
        "/fa/admin/bulletins/series/",
        "/fa/admin/bulletins/bulletin/N/change/",
        "/fa/admin/comments/comment/",
        "/fa/admin/delivery/delivery/",
        "/fa/admin/delivery/sending/",
        "/fa/admin/publications/publication/N/history/",
        "/fa/admin/subscribers/subscriber/add/",
    )
    # Where they are marked, the mark is the language's.
    page = editor_admin.get("/fa/admin/bulletins/series/").content.decode()
    assert '<span lang="en" dir="ltr">Newsletter</span>' in page


def test_the_crawl_catches_a_gregorian_date_and_latin_digits() -> None:
    """The checker itself: Django's own date and count are caught, code and e-mail are not."""
    page = (
        '<html lang="fa"><body><p>۱۲ مارس ۲۰۲۴</p><p>3 نتیجه</p>'
        "<code>id=3</code><p>reader3@example.org</p>"
        '<p lang="en">COP28</p></body></html>'
    )
    assert len(problems_of(page)) == 2


def test_third_party_sections_and_djangos_strings_read_as_persian(
    admin_client, make_publication
) -> None:
    """An administrator's index names no section in code ("Otp_Totp"), the task statuses
    are Persian, and Django's "delete selected" reads without "نوشته‌ها های"."""
    index = admin_client.get("/fa/admin/").content.decode()
    for raw in ("Otp_Totp", "Otp_Static", "Tasks Database Backend", "TOTP devices"):
        assert raw not in index
    make_publication()
    changelist = admin_client.get("/fa/admin/publications/publication/").content.decode()
    assert "حذف نوشته‌ها انتخاب‌شده" in changelist
    assert "نوشته‌ها های" not in changelist
    from django.utils import translation
    from django_tasks.base import TaskResultStatus

    with translation.override("fa"):
        assert str(TaskResultStatus.SUCCESSFUL.label) == "انجام‌شده"
