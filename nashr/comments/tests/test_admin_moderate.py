"""Moderating from a comment's own admin page: its buttons, its hold reason and language
in the admin's language."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.utils import timezone

from nashr.audit.models import AuditEntry
from nashr.comments.models import Comment, CommentStatus
from nashr.publications.models import Publication

pytestmark = pytest.mark.django_db
CHANGE = "/fa/admin/comments/comment/{pk}/change/"
MODERATE = "/fa/admin/comments/comment/{pk}/moderate/"


def _held(publication: Publication, reason: str) -> Comment:
    return Comment.objects.create(
        publication=publication,
        name="مریم",
        body="درود بر شما",
        language="fa",
        held_reason=reason,
        created_at=timezone.now(),
    )


def test_comment_page_shows_reason_and_language_in_persian(
    admin_client: Any, publication: Publication
) -> None:
    """The Persian page of a held comment names its language «فارسی», not "fa", and its
    hold reasons in Persian, the pattern as written."""
    comment = _held(publication, "new commenter; pattern: casino")
    page = html.unescape(admin_client.get(CHANGE.format(pk=comment.pk)).content.decode())
    language = page[page.index("field-language_display") :][:400]
    assert "فارسی" in language
    reason = page[page.index("field-held_reason_display") :][:600]
    assert "نظردهنده‌ی تازه" in reason and "casino" in reason
    assert "new commenter" not in page


def test_comment_page_buttons_approve_then_remove_through_the_service(
    client: Any, moderator: Any, publication: Publication
) -> None:
    """An editor approves a held comment from its page, then removes it: each button sets
    the status, is audited, and leads back to the comment's page."""
    client.force_login(moderator)
    comment = _held(publication, "new commenter")
    page = html.unescape(client.get(CHANGE.format(pk=comment.pk)).content.decode())
    assert f'action="{MODERATE.format(pk=comment.pk)}"' in page
    assert 'value="approved"' in page and 'value="removed"' in page and 'value="spam"' in page
    response = client.post(MODERATE.format(pk=comment.pk), {"status": "approved"})
    assert response.status_code == 302 and response["Location"] == CHANGE.format(pk=comment.pk)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    page = html.unescape(client.get(CHANGE.format(pk=comment.pk)).content.decode())
    assert 'value="approved"' not in page
    client.post(MODERATE.format(pk=comment.pk), {"status": "removed"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED
    actions = AuditEntry.objects.filter(action="comment.moderate").count()
    assert actions == 2


def test_moderation_button_needs_a_post_and_the_permission(
    client: Any, make_staff: Any, publication: Publication
) -> None:
    """A GET changes nothing; an author, who may not moderate, changes nothing either."""
    comment = _held(publication, "new commenter")
    client.force_login(make_staff("author"))
    client.post(MODERATE.format(pk=comment.pk), {"status": "approved"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    client.force_login(make_staff("editor", username="another-editor"))
    assert client.get(MODERATE.format(pk=comment.pk)).status_code == 405
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
