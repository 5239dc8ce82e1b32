"""Reads of comments: a publication's thread in two queries, counts for lists, a commenter's.

The reads every publication page makes (its thread, its policy) and the counts of the
lists answer from a ``CommentPreload`` while one is active (see ``core.preload``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from nashr.comments.models import Comment, CommentPolicy, CommentStatus
from nashr.core.preload import active_preload
from nashr.publications.models import Publication


@dataclass(frozen=True)
class Thread:
    """The approved comments under a publication, oldest first, each with its replies."""

    comments: Sequence[Comment]
    count: int


# What a page shows of a comment (the renderer needs no more): a page of hundreds of
# comments spends much of its time turning columns into attributes.
_SHOWN = ("id", "publication_id", "parent_id", "name", "body", "language", "created_at")


def _shown() -> QuerySet[Comment]:
    """The comments readers see: approved, under a publication whose policy hides none."""
    return Comment.objects.filter(status=CommentStatus.APPROVED).exclude(
        publication__comment_policy__hidden=True
    )


def comment_thread(*, publication: Publication) -> Thread:
    """Top-level comments and their approved replies, in two queries whatever their number."""
    preload = active_preload(CommentPreload)
    if preload is not None and preload.holds(publication.pk):
        return preload.threads.get(publication.pk) or Thread(comments=[], count=0)
    thread = comment_threads(publication_ids=[publication.pk]).get(publication.pk)
    return thread or Thread(comments=[], count=0)


def comment_threads(*, publication_ids: Collection[int] | None = None) -> dict[int, Thread]:
    """`comment_thread` of many publications (of every one with comments when None) in
    two queries; a publication without approved comments is not in the answer."""
    replies = Prefetch(
        "replies",
        queryset=Comment.objects.filter(status=CommentStatus.APPROVED)
        .only(*_SHOWN, "staff_author_id")
        .order_by("created_at", "id"),
        to_attr="approved_replies",
    )
    comments = _shown().filter(parent__isnull=True)
    if publication_ids is not None:
        comments = comments.filter(publication_id__in=list(publication_ids))
    by_publication: dict[int, list[Comment]] = {}
    counts: dict[int, int] = {}
    for comment in (
        comments.only(*_SHOWN, "staff_author_id")
        .prefetch_related(replies)
        .order_by("created_at", "id")
    ):
        by_publication.setdefault(comment.publication_id, []).append(comment)
        counts[comment.publication_id] = (
            counts.get(comment.publication_id, 0) + 1 + len(comment.approved_replies)
        )
    return {pk: Thread(comments=found, count=counts[pk]) for pk, found in by_publication.items()}


def comment_shown(*, publication: Publication, pk: int) -> Comment | None:
    """The comment `pk` under `publication` if readers see it; None if not, or if none."""
    return _shown().filter(pk=pk, publication=publication).first()


def comment_count(*, publication_id: int) -> int:
    """How many comments a publication shows."""
    return _shown().filter(publication_id=publication_id).count()


def comment_counts() -> dict[int, int]:
    """Publication id → comments shown, for every publication that shows any."""
    preload = active_preload(CommentPreload)
    if preload is not None:
        return preload.counts
    rows = _shown().values("publication_id").annotate(total=Count("id")).order_by()
    return {row["publication_id"]: row["total"] for row in rows}


def comment_policy(*, publication: Publication) -> CommentPolicy | None:
    """The publication's own comment policy, if it has one."""
    preload = active_preload(CommentPreload)
    if preload is not None and preload.holds(publication.pk):
        return preload.policies.get(publication.pk)
    return CommentPolicy.objects.filter(publication=publication).first()


class CommentPreload:
    """The comments' reads of the public pages, loaded once for a rendering of many
    (``core.preload``): the threads and policies of the publications `publication_ids`
    (of every publication if None), and the counts the lists show."""

    def __init__(self, *, publication_ids: Collection[int] | None) -> None:
        self.publication_ids = None if publication_ids is None else set(publication_ids)
        self.threads = comment_threads(publication_ids=self.publication_ids)
        policies = CommentPolicy.objects.all()
        if self.publication_ids is not None:
            policies = policies.filter(publication_id__in=self.publication_ids)
        self.policies = {policy.publication_id: policy for policy in policies}
        self.counts = comment_counts()

    def holds(self, publication_id: int) -> bool:
        return self.publication_ids is None or publication_id in self.publication_ids


def comments_of_commenter(*, email_digest: str) -> QuerySet[Comment]:
    """Every comment written with the address whose keyed hash is `email_digest`."""
    return (
        Comment.objects.filter(email_hash=email_digest)
        .select_related("publication")
        .order_by("created_at", "id")
    )


def comments_by_status(*, status: str | None = None) -> QuerySet[Comment]:
    comments = Comment.objects.select_related("publication").order_by("created_at", "id")
    return comments.filter(status=status) if status else comments
