"""The comments list of the admin finds names and comments however Persian was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from nashr.comments.models import Comment, CommentPattern
from nashr.comments.services import comment_pattern_save
from nashr.core.actors import COMMAND
from nashr.publications.models import Publication
from nashr.testing.spellings import KEYBOARD_SPELLINGS, admin_search

pytestmark = pytest.mark.django_db
CHANGELIST = "/fa/admin/comments/comment/"


def _comment(publication: Publication, *, name: str, body: str) -> Comment:
    return Comment.objects.create(
        publication=publication, name=name, body=body, created_at=timezone.now()
    )


@pytest.mark.parametrize(("stored", "typed"), KEYBOARD_SPELLINGS)
def test_search_finds_keyboard_spellings(
    admin_client: Any, publication: Publication, stored: str, typed: str
) -> None:
    """«كارگران», «زنداني», «گفتوگو» find the comments whose name or text has «کارگران»,
    «زندانی», «گفت‌وگو», as the site's search does."""
    by_name = _comment(publication, name=f"یکی از {stored}", body="درود")
    by_body = _comment(publication, name="مریم", body=f"از {stored} پشتیبانی کنید.")
    _comment(publication, name="علی", body="متنی بی‌ربط درباره هوا.")
    found = admin_search(admin_client, CHANGELIST, typed)
    assert sorted(comment.pk for comment in found) == sorted([by_name.pk, by_body.pk])


def test_pattern_search_finds_keyboard_spellings(admin_client: Any) -> None:
    """The list of held patterns finds «کارگران» typed «كارگران»."""
    wanted = comment_pattern_save(actor=COMMAND, pattern=CommentPattern(pattern="کارگران"))
    comment_pattern_save(actor=COMMAND, pattern=CommentPattern(pattern="تبلیغ"))
    found = admin_search(admin_client, "/fa/admin/comments/commentpattern/", "كارگران")
    assert found == [wanted]
