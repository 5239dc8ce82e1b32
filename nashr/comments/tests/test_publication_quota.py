"""Posts refused or sent to spam do not use up a publication's hourly quota of comments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from nashr.comments import services
from nashr.comments.models import Comment, CommentPattern, CommentStatus, PatternAction
from nashr.comments.privacy import email_hash
from nashr.core.actors import COMMAND
from nashr.publications.models import Publication

pytestmark = pytest.mark.django_db


def test_junk_posts_do_not_close_comments_to_a_reader(
    publication: Publication, post_comment: Callable[..., Any], settings: Any
) -> None:
    """Repeats, spam-pattern matches and a blocked commenter's posts leave the form open."""
    settings.NASHR_COMMENTS_PUBLICATION_RATE = (3, 3600)
    CommentPattern.objects.create(pattern="casino", action=PatternAction.SPAM)
    assert post_comment(publication, body="Seen once.", address="198.51.100.1").status_code == 200
    blocked = Comment.objects.create(
        publication=publication,
        name="Troll",
        body="Blocked.",
        status=CommentStatus.REMOVED,
        email_hash=email_hash("troll@example.org"),
        created_at=timezone.now(),
    )
    services.commenter_block(actor=COMMAND, comment=blocked, by_address=False)
    for number in range(2, 8):
        address = f"198.51.100.{number}"
        post_comment(publication, body="Seen once.", address=address)
        post_comment(publication, body=f"Casino {number}", address=address)
        post_comment(
            publication, body=f"Troll {number}", email="troll@example.org", address=address
        )
    answer = post_comment(publication, body="A genuine reader.", address="203.0.113.50")
    assert answer.status_code == 200
    assert Comment.objects.filter(body="A genuine reader.").exists()
    assert post_comment(publication, body="Two.", address="203.0.113.51").status_code == 200
    assert post_comment(publication, body="Three.", address="203.0.113.52").status_code == 429
