import datetime as dt

import pytest

from nashr.comments.models import Comment, CommentStatus
from nashr.comments.services import comment_import
from nashr.core.actors import COMMAND
from nashr.core.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2019, 5, 1, 12, 0, tzinfo=dt.UTC)


def test_import_twice_creates_one_comment(publication):
    """A second import of the same legacy id returns the first comment and creates nothing."""
    kwargs = dict(
        actor=COMMAND,
        publication=publication,
        source="wordpress",
        legacy_id="17",
        name="Reza",
        body="درود بر شما",
        created_at=WHEN,
        status=CommentStatus.APPROVED,
        email="Reza@Example.org",
    )
    first, created = comment_import(**kwargs)
    again, created_again = comment_import(**kwargs)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Comment.objects.count() == 1
    assert first.email == "" and len(first.email_hash) == 64
    assert first.language == "fa"


def test_import_reply_to_reply_hangs_under_the_first(publication):
    """A reply to a reply is imported as a reply to the top comment: one level only."""
    top, _ = comment_import(
        actor=COMMAND,
        publication=publication,
        source="drupal7",
        legacy_id="1",
        name="a",
        body="first",
        created_at=WHEN,
        status="approved",
    )
    reply, _ = comment_import(
        actor=COMMAND,
        publication=publication,
        source="drupal7",
        legacy_id="2",
        name="b",
        body="second",
        created_at=WHEN,
        status="approved",
        parent=top,
    )
    deeper, _ = comment_import(
        actor=COMMAND,
        publication=publication,
        source="drupal7",
        legacy_id="3",
        name="c",
        body="third",
        created_at=WHEN,
        status="approved",
        parent=reply,
    )
    assert deeper.parent_id == top.pk


def test_import_needs_permission(publication, django_user_model):
    """An author without the add-comment permission cannot import comments."""
    user = django_user_model.objects.create_user("author", password="x")
    with pytest.raises(PermissionDenied):
        comment_import(
            actor=user,
            publication=publication,
            source="wordpress",
            legacy_id="1",
            name="a",
            body="b",
            created_at=WHEN,
            status="approved",
        )
