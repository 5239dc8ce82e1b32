"""A phone reads a publication with three photos; an editor reads a Persian revision diff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Response, ViewportSize

from nashr.core.actors import COMMAND
from nashr.media.services import media_upload
from nashr.publications import services
from nashr.publications.models import Publication
from nashr.testing.plugin import BrowserPage, check_html, describe_axe, describe_vnu, run_axe

from .conftest import scene_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}
BUDGET = 400_000


def _with_photos(make_publication: Callable[..., Publication]) -> Publication:
    references = []
    for seed, alt in enumerate(("جمعیت در میدان", "پلاکاردی با نام زندانیان", "شمع‌ها در شب")):
        photo = media_upload(
            actor=COMMAND,
            name=f"photo{seed}.jpg",
            data=scene_bytes(width=3000, height=2000, seed=seed),
            title=alt,
            language="fa",
            alt_text=alt,
        )
        references.append(f"![](media:{photo.pk})")
    body = "\n\n".join(f"بند {n} از بیانیه.\n\n{ref}" for n, ref in enumerate(references, 1))
    return make_publication(title="تجمع برای آزادی زندانیان", body=body)


def test_three_photos_at_phone_width_stay_under_budget(
    live_server: Any, axe_page: BrowserPage, make_publication: Callable[..., Publication]
) -> None:
    """At 390 px, the page and its three photos, scrolled through, weigh under 400 kB."""
    publication = _with_photos(make_publication)
    page = axe_page.page
    page.set_viewport_size(PHONE)
    sizes: dict[str, int] = {}

    def count(response: Response) -> None:
        sizes[response.url] = len(response.body())

    page.on("response", count)
    page.goto(live_server.url + publication.get_absolute_url())
    page.wait_for_load_state("networkidle")
    for _ in range(12):
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(150)
    page.wait_for_load_state("networkidle")
    images = [url for url in sizes if "/media/uploads/" in url]
    assert len(images) == 3 and all(url.endswith("-480.webp") for url in images), images
    total = sum(sizes.values())
    assert total < BUDGET, (total, sizes)
    page.screenshot(path="/tmp/desk-phone-photos.png", full_page=True)
    # No layout shift: each image had its box before its bytes came.
    assert page.eval_on_selector_all(
        "article img",
        "els => els.every(e => e.width > 0 && e.getAttribute('height') && e.loading === 'lazy')",
    )
    assert describe_axe(run_axe(page)) == []
    html = Client().get(publication.get_absolute_url()).content.decode()
    assert {k: describe_vnu(v) for k, v in check_html({"photos": html}).items() if v} == {}


def test_persian_revision_diff_in_chromium(
    live_server: Any,
    axe_page: BrowserPage,
    make_staff: Callable[..., Any],
    make_publication: Callable[..., Publication],
) -> None:
    """The diff reads right to left, inserted and removed words marked, valid and accessible."""
    publication = make_publication(
        body="شورای هماهنگی از همه‌ی نهادهای مدنی می‌خواهد که برای آزادی زندانیان صدای خود را "
        "بلند کنند.\n\nبازداشت‌ها افزایش یافته است."
    )
    services.publication_update(
        actor=COMMAND,
        publication=publication,
        title="بیانیه‌ی تازه درباره‌ی آزادی زندانیان سیاسی",
        body="شورای هماهنگی از همه‌ی نهادهای مدنی و صنفی می‌خواهد که برای آزادی فوری زندانیان "
        "سیاسی صدای خود را بلند کنند.\n\nبازداشت‌های خودسرانه افزایش یافته است.",
    )
    client = Client()
    client.force_login(make_staff("editor"))
    page = axe_page.page
    page.set_viewport_size({"width": 1100, "height": 800})
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    path = f"/fa/admin/publications/publication/{publication.pk}/revisions/"
    page.goto(live_server.url + path)
    diff = page.locator(".nashr-diff")
    assert diff.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator(".nashr-diff ins").count() >= 3
    page.screenshot(path="/tmp/desk-revision-diff-fa.png", full_page=True)
    assert describe_axe(run_axe(page)) == []
    html = client.get(path).content.decode()
    assert {k: describe_vnu(v) for k, v in check_html({"diff": html}).items() if v} == {}
