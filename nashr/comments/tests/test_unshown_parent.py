"""A reply to a comment readers cannot see is refused as one to a comment that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from nashr.comments.models import Comment, CommentStatus
from nashr.publications.models import Publication

pytestmark = pytest.mark.django_db

UNSHOWN = (CommentStatus.PENDING, CommentStatus.REMOVED, CommentStatus.SPAM)


def _comment(publication: Publication, status: str) -> Comment:
    return Comment.objects.create(
        publication=publication,
        name=f"Hidden-name-{status}",
        body=f"Hidden body of a {status} comment: a home address.",
        status=status,
        created_at=timezone.now(),
    )


def test_reply_to_unshown_comment_shows_nothing_of_it(
    publication: Publication, post_comment: Callable[..., Any]
) -> None:
    """Replies to a pending, removed and spam comment get the answer a missing id gets."""
    hidden = [_comment(publication, status) for status in UNSHOWN]
    missing = max(comment.pk for comment in hidden) + 1000
    fields = {"body": "Who wrote this?", "name": "Prober", "address": "198.51.100.20"}
    expected = post_comment(publication, parent=str(missing), **fields)
    assert expected.status_code == 400
    assert b"that comment cannot be answered" in expected.content
    for comment in hidden:
        answer = post_comment(publication, parent=str(comment.pk), **fields)
        page = answer.content.decode()
        assert comment.name not in page and comment.body not in page
        assert (answer.status_code, answer.content) == (expected.status_code, expected.content)
    assert not Comment.objects.filter(body="Who wrote this?").exists()


def test_reply_to_a_reply_readers_cannot_see_is_refused(
    publication: Publication, post_comment: Callable[..., Any]
) -> None:
    """A held reply under a shown comment cannot be answered either (nor found so)."""
    top = _comment(publication, CommentStatus.APPROVED)
    held = Comment.objects.create(
        publication=publication,
        parent=top,
        name="Held",
        body="Held.",
        status=CommentStatus.PENDING,
        created_at=timezone.now(),
    )
    answer = post_comment(publication, body="Answer.", parent=str(held.pk))
    assert answer.status_code == 400 and b"that comment cannot be answered" in answer.content
    assert not Comment.objects.filter(body="Answer.").exists()


def test_probing_replies_count_against_the_connection_limit(
    publication: Publication, post_comment: Callable[..., Any], settings: Any
) -> None:
    """The connection's rate limit counts a reply to a hidden comment before refusing it."""
    settings.NASHR_COMMENTS_RATE = (1, 3600)
    first, second = (_comment(publication, CommentStatus.PENDING) for _ in range(2))
    assert post_comment(publication, body="Probe.", parent=str(first.pk)).status_code == 400
    assert post_comment(publication, body="Probe.", parent=str(second.pk)).status_code == 429
