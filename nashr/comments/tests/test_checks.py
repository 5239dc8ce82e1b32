"""Each check of `comment_post` refuses or holds with its own message, in its place in the order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nashr.comments import services
from nashr.comments.models import Comment, CommentPattern, CommentStatus, PatternAction
from nashr.core.actors import COMMAND
from nashr.core.exceptions import ApplicationError, StateError
from nashr.core.models import RateCount
from nashr.publications.models import Publication, Status

pytestmark = pytest.mark.django_db


def _post(publication: Publication, **fields: Any) -> services.Posted:
    values: dict[str, Any] = {"name": "Reader", "body": "A thoughtful comment."}
    values.update(fields)
    return services.comment_post(publication=publication, **values)


def _refusal(publication: Publication, **fields: Any) -> tuple[str, str]:
    with pytest.raises(ApplicationError) as refused:
        _post(publication, **fields)
    return refused.value.where or "", str(refused.value)


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"name": "  "}, "name", "write a name"),
        ({"name": "x" * 81}, "name", "longer than 80 characters"),
        ({"body": " \r\n "}, "body", "the comment is empty"),
        ({"body": "x" * 5001}, "body", "longer than 5000 characters"),
        ({"email": " Not An Address "}, "email", "“Not An Address” is not an email address"),
        ({"name": "  ", "body": ""}, "name", "write a name"),
    ],
)
def test_the_text_is_refused_with_what_was_wrong(
    publication: Publication, fields: dict[str, Any], where: str, message: str
) -> None:
    """A missing or long name, an empty or long text, a wrong address: refused on its field."""
    found_where, found = _refusal(publication, **fields)
    assert found_where == where and message in found
    assert not Comment.objects.exists()


def test_a_closed_publication_refuses_before_the_text_is_read(publication: Publication) -> None:
    """Closed comments are what the reader is told, whatever the text."""
    services.comment_policy_set(actor=COMMAND, publication=publication, closed=True)
    with pytest.raises(StateError, match="comments on this publication are closed"):
        _post(publication, name="", body="")


def test_replies_only_to_a_shown_comment_of_the_same_publication(
    publication: Publication, make_publication: Callable[..., Publication]
) -> None:
    """A reply under another publication, or to a held comment, is refused on `parent`."""
    elsewhere = make_publication(status=Status.PUBLISHED, title="Another")
    other = _post(elsewhere, body="Elsewhere.").comment
    where, message = _refusal(publication, parent=other)
    assert where == "parent" and f"comment #{other.pk} is under another publication" in message
    held = _post(publication, body="Held.").comment
    assert held.status == CommentStatus.PENDING
    where, message = _refusal(publication, parent=held)
    assert where == "parent" and "that comment cannot be answered" in message


def test_floods_and_repeats_are_refused(publication: Publication, settings: Any) -> None:
    """Past the limit per connection, per publication, and the same text twice: refused."""
    settings.NASHR_COMMENTS_RATE = (1, 3600)
    connection = "203.0.113.7"
    _post(publication, body="One.", client_address=connection)
    assert (
        "from your connection" in _refusal(publication, body="Two.", client_address=connection)[1]
    )
    assert "already posted" in _refusal(publication, body="One.")[1]
    RateCount.objects.all().delete()
    settings.NASHR_COMMENTS_PUBLICATION_RATE = (1, 3600)
    _post(publication, body="Three.")
    assert "under this publication" in _refusal(publication, body="Four.")[1]


def test_holds_keep_their_reasons_in_order_and_spam_wins(
    publication: Publication, settings: Any
) -> None:
    """A blocked commenter whose text matches a held pattern is spam, with every reason kept."""
    settings.NASHR_COMMENTS_MODERATION = "all"
    first = _post(publication, email="sara@example.org", body="First.").comment
    services.commenter_block(actor=COMMAND, comment=first, by_address=False)
    CommentPattern.objects.create(pattern="casino", action=PatternAction.HOLD)
    links = " ".join(f"https://example.org/{n}" for n in range(3))
    posted = _post(publication, email="sara@example.org", body=f"Casino {links}")
    assert posted.held and posted.comment.status == CommentStatus.SPAM
    assert posted.comment.held_reason == (
        "blocked commenter; pattern: casino; too many links; no proof of work; every comment held"
    )
