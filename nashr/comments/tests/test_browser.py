"""Comments in Chromium: posting with and without JavaScript, direction, hostile bodies."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from nashr.comments import services
from nashr.comments.models import Comment, CommentStatus
from nashr.core.actors import COMMAND
from nashr.testing.plugin import BrowserPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIRECTION = "el => getComputedStyle(el).direction"
PAYLOADS = Path(__file__).parent / "fixtures" / "xss.txt"
# Each payload also inside Persian text, after a newline, and twice over: where a
# renderer splits on links, paragraphs or direction, the split must not undo escaping.
WRAPPERS = ("{}", "متن فارسی {} پایان", "line one\n\n{}", "{} {}", "https://ok.example/ {}")


def _fill(page, name: str, body: str) -> None:
    page.fill("#comment-name", name)
    page.fill("#comment-body", body)


@pytest.mark.parametrize("javascript", [False, True])
def test_post_with_and_without_javascript(
    live_server, chromium, publication, settings, javascript: bool
) -> None:
    """Without JavaScript the comment waits for a moderator; with it the proof of work passes."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    context = chromium.new_context(java_script_enabled=javascript, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server.url + publication.get_absolute_url())
    _fill(page, "Reader", f"Posted with javascript={javascript}.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("h1")
    heading = page.inner_text("h1")
    cookies = context.cookies()
    context.close()
    comment = Comment.objects.get()
    if javascript:
        assert comment.status == CommentStatus.APPROVED, comment.held_reason
        assert heading in ("Your comment is published", "دیدگاه شما منتشر شد")
    else:
        assert comment.status == CommentStatus.PENDING
        assert comment.held_reason == "no proof of work"
    assert cookies == [] and errors == []


def test_persian_and_english_comments_each_in_their_direction(
    live_server, browser_page: BrowserPage, publication, make_publication
) -> None:
    """Under an English page a Persian comment is rtl and an English one ltr (and vice versa)."""
    english = make_publication(language="en", title="An English statement", body="Text.")
    for target in (publication, english):
        for number, body in enumerate(("این نظر فارسی است.", "This comment is in English.")):
            services.comment_import(
                actor=COMMAND,
                publication=target,
                source="t",
                legacy_id=f"{target.pk}-{number}",
                name="x",
                body=body,
                created_at=timezone.now(),
                status="approved",
            )
    page = browser_page.page
    for target in (publication, english):
        page.goto(live_server.url + target.get_absolute_url())
        bodies = page.locator(".comment__body")
        assert bodies.nth(0).evaluate(DIRECTION) == "rtl"
        assert bodies.nth(1).evaluate(DIRECTION) == "ltr"
        assert bodies.nth(0).get_attribute("lang") == "fa"
        # Replies indent on the side where lines start: logical properties.
        page.screenshot(path=f"/tmp/comments-{target.language}.png", full_page=True)


def test_hostile_bodies_render_as_inert_text(
    live_server, axe_page: BrowserPage, publication
) -> None:
    """A few hundred XSS payloads, shown with the CSP bypassed, run no script and make no tag."""
    payloads = [line for line in PAYLOADS.read_text(encoding="utf-8").splitlines() if line]
    bodies = [wrapper.format(p, p) for p in payloads for wrapper in WRAPPERS]
    assert len(bodies) >= 250
    when = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            publication=publication,
            name=body[:80],
            body=body,
            status=CommentStatus.APPROVED,
            created_at=when,
        )
        for body in bodies
    )
    page = axe_page.page
    page.add_init_script("window.__xss = 0;")
    page.goto(live_server.url + publication.get_absolute_url())
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") == 0
    section = page.locator("section.comments")
    tags = section.evaluate("s => [...s.querySelectorAll('.comment__body *')].map(e => e.tagName)")
    assert set(tags) <= {"P", "BR", "A"}
    hrefs = section.evaluate(
        "s => [...s.querySelectorAll('.comment__body a')].map(a => a.protocol)"
    )
    assert set(hrefs) <= {"http:", "https:"}
    rels = set(section.evaluate("s => [...s.querySelectorAll('.comment__body a')].map(a => a.rel)"))
    assert rels == {"nofollow ugc noopener"}
    assert section.locator(".comment__body", has_text="<script>window.__xss=1</script>").count() > 0
