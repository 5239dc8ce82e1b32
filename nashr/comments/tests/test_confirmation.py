"""The confirmation mail and page show the comment confirmed; only the button confirms it."""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nashr.comments.models import Comment, CommentStatus
from nashr.comments.privacy import email_hash
from nashr.publications.models import Publication

pytestmark = pytest.mark.django_db

TRUSTED = "trusted@example.org"


def _mail_text(smtp_sink: Any, address: str) -> str:
    [received] = smtp_sink.to(address)
    payload = email.message_from_bytes(received.data).get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _confirm_path(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+/comments/confirm/\S+/)", text)
    assert match, text
    return match.group(1)


@pytest.fixture
def trusted(publication: Publication) -> Comment:
    """An approved comment under a confirmed address: its writer is trusted in "first" mode."""
    return Comment.objects.create(
        publication=publication,
        name="Trusted",
        body="An earlier comment.",
        status=CommentStatus.APPROVED,
        email=TRUSTED,
        email_hash=email_hash(TRUSTED),
        email_confirmed_at=timezone.now(),
        created_at=timezone.now(),
    )


def test_confirmation_mail_shows_the_comment_and_publication(
    publication: Publication,
    post_comment: Callable[..., Any],
    smtp_sink: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The mail quotes the comment's text and names the publication it was posted under."""
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(publication, body="Posted in your name, not by you.", email=TRUSTED)
    text = _mail_text(smtp_sink, TRUSTED)
    assert "Posted in your name, not by you." in text
    assert publication.title in text


def test_following_the_link_shows_the_comment_and_publishes_nothing(
    publication: Publication,
    trusted: Comment,
    post_comment: Callable[..., Any],
    smtp_sink: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """GET on the mailed link shows the comment and a button; only the button's POST shows it."""
    settings.NASHR_COMMENTS_MODERATION = "first"
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(publication, body="Someone else's words.", pow=True, email=TRUSTED)
    posted = Comment.objects.get(body="Someone else's words.")
    assert posted.held_reason == "awaiting email confirmation"
    path = _confirm_path(_mail_text(smtp_sink, TRUSTED))
    page = Client().get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Someone else&#x27;s words." in html and publication.title in html
    assert f'action="{path}"' in html and "<button" in html
    posted.refresh_from_db()
    assert posted.status == CommentStatus.PENDING and posted.email_confirmed_at is None
    assert Client().post(path).status_code == 200
    posted.refresh_from_db()
    assert posted.status == CommentStatus.APPROVED and posted.email_confirmed_at is not None
