"""Posting from a cached page: held, approved from the admin and the command, then shown."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from nashr.comments.models import Comment, CommentStatus
from nashr.comments.tests.conftest import ORIGIN, solved
from nashr.core.pagecache import public_generation

pytestmark = pytest.mark.django_db


def test_comment_from_cached_page_is_held_then_approved_and_shown(
    client: Client, publication, post_comment, admin_client, django_capture_on_commit_callbacks
) -> None:
    """A comment posted without a token is held, approved in the admin and by the CLI, shown."""
    page = client.get(publication.get_absolute_url())
    assert b"csrfmiddlewaretoken" not in page.content and not page.cookies
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_comment(publication, body="First, through the admin.")
    assert answer.status_code == 200 and not answer.cookies
    assert "Set-Cookie" not in answer.headers
    assert b"awaits moderation" in answer.content
    first = Comment.objects.get()
    assert first.status == CommentStatus.PENDING
    assert "no proof of work" in first.held_reason and "new commenter" in first.held_reason
    assert b"First, through the admin." not in client.get(publication.get_absolute_url()).content

    generation = public_generation()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/en/admin/comments/comment/",
            {"action": "approve", "_selected_action": [first.pk]},
        )
    first.refresh_from_db()
    assert first.status == CommentStatus.APPROVED
    assert public_generation() > generation

    post_comment(publication, body="Second, through the command.", address="198.51.100.1")
    second = Comment.objects.get(body="Second, through the command.")
    call_command("comments", "approve", str(second.pk))
    second.refresh_from_db()
    assert second.status == CommentStatus.APPROVED

    shown = client.get(publication.get_absolute_url()).content.decode()
    assert shown.index("First, through the admin.") < shown.index("Second, through the command.")
    assert "2 comments" in shown or "۲" in shown


def test_post_from_another_site_is_refused(client: Client, publication) -> None:
    """A post from another site (Sec-Fetch-Site, Origin, else Referer) keeps nothing."""
    data = {"name": "x", "body": "forged", "website": "", "altcha": ""}
    url = f"/en/p/{publication.pk}/comments/"
    assert client.post(url, data, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert client.post(url, data).status_code == 403
    assert client.post(url, data, HTTP_ORIGIN="null").status_code == 403
    cross = client.post(url, data, HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN=ORIGIN)
    assert cross.status_code == 403
    referer = client.post(url, data, HTTP_REFERER=ORIGIN + publication.get_absolute_url())
    assert referer.status_code == 303
    assert Comment.objects.count() == 1


def test_honeypot_keeps_nothing(publication, post_comment) -> None:
    """A bot that fills the hidden field gets the usual answer and nothing is stored."""
    answer = post_comment(publication, website="http://spam.example")
    assert answer.status_code == 200 and b"awaits moderation" in answer.content
    assert not Comment.objects.exists()


def test_form_works_without_javascript_and_reply_link(
    client: Client, publication, post_comment
) -> None:
    """The reply link leads to a plain form that posts a reply under the comment."""
    post_comment(publication, body="Top.", pow=True)
    top = Comment.objects.get()
    top.status = CommentStatus.APPROVED
    top.save()
    page = client.get(publication.get_absolute_url()).content.decode()
    link = f"/en/p/{publication.pk}/comments/?reply={top.pk}"
    assert link.replace("/en/", "/fa/") in page or link in page
    form = client.get(link)
    assert form.status_code == 200 and f'name="parent" value="{top.pk}"'.encode() in form.content
    post_comment(publication, body="A reply.", parent=str(top.pk), address="198.51.100.9")
    assert Comment.objects.get(body="A reply.").parent_id == top.pk


def test_rate_limit_by_client_address(publication, post_comment, settings) -> None:
    """The third comment from one address within the hour is refused; another address may post."""
    settings.NASHR_COMMENTS_RATE = (2, 3600)
    assert post_comment(publication, body="one").status_code == 200
    assert post_comment(publication, body="two").status_code == 200
    third = post_comment(publication, body="three")
    assert third.status_code == 429
    assert post_comment(publication, body="four", address="198.51.100.2").status_code == 200
    assert Comment.objects.count() == 3
    assert not Comment.objects.filter(body="three").exists()
    # No address is stored: only a keyed hash that differs from day to day.
    assert all("203.0.113.7" not in c.address_hash for c in Comment.objects.all())


def test_rate_limit_per_publication(publication, post_comment, settings) -> None:
    """A publication takes no more than its hourly number of comments, from any address."""
    settings.NASHR_COMMENTS_PUBLICATION_RATE = (2, 3600)
    for number in range(3):
        post_comment(publication, body=f"comment {number}", address=f"198.51.100.{number}")
    assert Comment.objects.count() == 2


def test_proof_of_work_path_and_replay(publication, post_comment, settings) -> None:
    """A solved challenge lets a comment through (mode none); reused, it counts for nothing."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    payload = solved()
    post_comment(publication, body="With the script.", altcha=payload)
    assert Comment.objects.get(body="With the script.").status == CommentStatus.APPROVED
    post_comment(publication, body="Replayed.", altcha=payload, address="198.51.100.3")
    replayed = Comment.objects.get(body="Replayed.")
    assert replayed.status == CommentStatus.PENDING
    assert replayed.held_reason == "no proof of work"


def test_no_javascript_path_is_held(publication, post_comment, settings) -> None:
    """Without the script's solution the comment is taken and waits for a moderator."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    answer = post_comment(publication, body="No script here.")
    assert answer.status_code == 200 and b"awaits moderation" in answer.content
    assert Comment.objects.get().status == CommentStatus.PENDING


def test_challenge_is_fresh_json_and_sets_no_cookie(client: Client, publication) -> None:
    """The script's challenge is never cached and sets no cookie."""
    response = client.get(f"/en/p/{publication.pk}/comments/challenge/")
    assert response.status_code == 200 and not response.cookies
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert set(response.json()) >= {"algorithm", "challenge", "salt", "signature", "maxNumber"}
