"""Every write to comments goes through these functions."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from nashr.comments.models import Comment, CommentStatus
from nashr.comments.privacy import email_hash
from nashr.comments.text import guess_language
from nashr.core.actors import Actor, require
from nashr.core.exceptions import ValidationError
from nashr.core.pagecache import public_pages_changed
from nashr.publications.models import Publication

NAME_MAX = Comment._meta.get_field("name").max_length or 80


def _reply_parent(parent: Comment | None, *, publication: Publication) -> Comment | None:
    """The comment a reply hangs under: one level only, under the same publication."""
    if parent is None:
        return None
    if parent.publication_id != publication.pk:
        raise ValidationError(
            f"comment #{parent.pk} is under another publication",
            where="parent",
            hint="reply to a comment under the same publication",
        )
    # A reply to a reply is shown as a reply to the comment both answer.
    if parent.parent_id is not None:
        return Comment.objects.get(pk=parent.parent_id)
    return parent


@transaction.atomic
def comment_import(
    *,
    actor: Actor,
    publication: Publication,
    source: str,
    legacy_id: str,
    name: str,
    body: str,
    created_at: dt.datetime,
    status: str,
    email: str = "",
    parent: Comment | None = None,
) -> tuple[Comment, bool]:
    """Bring in a comment from another system; a second import of one changes nothing.

    Matches on (`source`, `legacy_id`): returns the comment and whether it was created.
    The imported email address is not kept, only its hash (the commenter is recognised,
    and can be blocked); the old system's readers never asked this site to mail them.
    No audit entry per comment: the importer records the run.
    """
    require(actor, "comments.add_comment", action="import comments")
    if not source or not legacy_id:
        raise ValidationError(
            "an imported comment needs its source and its id there",
            where="source" if not source else "legacy_id",
            hint="pass the old system's name (wordpress, drupal7) and the comment's id",
        )
    if status not in CommentStatus.values:
        raise ValidationError(
            f"unknown status “{status}”",
            where="status",
            hint=f"use one of: {', '.join(CommentStatus.values)}",
        )
    existing = Comment.objects.filter(source=source, legacy_id=legacy_id).first()
    if existing is not None:
        return existing, False
    comment = Comment(
        publication=publication,
        parent=_reply_parent(parent, publication=publication),
        name=(name.strip() or "—")[:NAME_MAX],
        body=body,
        language=guess_language(body),
        status=status,
        email_hash=email_hash(email),
        created_at=created_at,
        source=source,
        legacy_id=legacy_id,
    )
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:  # imported by a parallel run a moment ago
        return Comment.objects.get(source=source, legacy_id=legacy_id), False
    if status == CommentStatus.APPROVED:
        public_pages_changed()
    return comment, True
