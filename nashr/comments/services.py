"""Every write to comments goes through these functions.

A reader's comment (`comment_post`) passes two lists of named checks, in order. First
REFUSALS: open for comments, the name, the text and the address, the rate limit per
client address, the comment answered and the duplicate check; the first that refuses the
comment tells the reader why and what to do. Then HOLDS: blocks, the pattern list, the
link count, the proof of work and the moderation mode; each may hold the comment or mark
it spam, its reason kept in `held_reason` for the moderator. Last, a comment that is not
spam uses one of the publication's hourly quota: refused and spam posts never close a
publication's comments to its readers.
Approving or removing what readers see is announced to the change feed
(`nashr.core.changes`), which brings every derived copy of the pages up to date.
Mail to commenters (the confirmation link, reply notices) is sent by the task worker,
within bounds per address (`_confirmation_allowed`, `_reply_notice_allowed`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext

from nashr.audit.services import audit_record
from nashr.comments import ratelimit, selectors, tokens
from nashr.comments.models import (
    Comment,
    CommentBlock,
    CommentPattern,
    CommentPolicy,
    CommentStatus,
    ModerationMode,
    PatternAction,
)
from nashr.comments.privacy import daily_address_hash, email_hash, normalize_email
from nashr.comments.reader_text import count_links, guess_language
from nashr.core.actors import Actor, actor_user, require
from nashr.core.changes import Topic, announce
from nashr.core.exceptions import StateError, ValidationError
from nashr.core.mail import notification_message
from nashr.core.one_line import check_one_line
from nashr.core.spelling import fold_for_contains
from nashr.publications.models import Publication

NAME_MAX = Comment._meta.get_field("name").max_length or 80
BODY_MAX = 5000
# The same text under the same publication within this time is a second submission.
DUPLICATE_WINDOW = dt.timedelta(days=7)


class RateLimited(StateError):
    """Too many comments from one address, or under one publication, for now."""


def _reply_parent(parent: Comment | None, *, publication: Publication) -> Comment | None:
    """The comment a reply hangs under: one level only, under the same publication."""
    if parent is None:
        return None
    _check_reply_under(parent, publication=publication)
    # A reply to a reply is shown as a reply to the comment both answer.
    if parent.parent_id is not None:
        return Comment.objects.get(pk=parent.parent_id)
    return parent


def _check_reply_under(parent: Comment, *, publication: Publication) -> None:
    if parent.publication_id != publication.pk:
        raise ValidationError(
            f"comment #{parent.pk} is under another publication",
            where="parent",
            hint="reply to a comment under the same publication",
        )


# Comments looked up and written per statement.
IMPORT_BATCH = 500


@dataclass(frozen=True)
class ImportedComment:
    """A comment of another system, as `comments_import` takes it."""

    publication: Publication
    legacy_id: str
    name: str
    body: str
    created_at: dt.datetime
    status: str
    email: str = ""
    # The imported comment it answers.
    parent: Comment | None = None


@transaction.atomic
def comments_import(
    *, actor: Actor, source: str, comments: Sequence[ImportedComment]
) -> list[tuple[Comment, bool]]:
    """Bring in comments from another system; a second import of one changes nothing.

    Matches on (`source`, `legacy_id`): returns each comment with whether it was
    created, in the order given. The imported email address is not kept, only its hash
    (the commenter is recognised, and can be blocked); the old system's readers never
    asked this site to mail them. No audit entry per comment: the importer records the
    run. One query per batch finds those imported before, one statement per batch
    writes the rest; a run importing the same comments at the same moment makes this
    one fail (nothing of it is kept) rather than duplicate them.
    """
    require(actor, "comments.add_comment", action="import comments")
    if not source:
        raise ValidationError(
            "an imported comment needs its source",
            where="source",
            hint="pass the old system's name (wordpress, drupal7)",
        )
    for one in comments:
        if not one.legacy_id:
            raise ValidationError(
                "an imported comment needs its id in the old system",
                where="legacy_id",
                hint="pass the comment's id there",
            )
        if one.parent is not None and not isinstance(one.parent, Comment):
            raise ValidationError(
                f"comment {one.legacy_id} answers something that is not a comment",
                where="parent",
                hint="pass the imported comment it answers",
            )
        if one.status not in CommentStatus.values:
            raise ValidationError(
                f"unknown status “{one.status}”",
                where="status",
                hint=f"use one of: {', '.join(CommentStatus.values)}",
            )
    results: list[tuple[Comment, bool]] = []
    for start in range(0, len(comments), IMPORT_BATCH):
        results.extend(_comments_import_batch(source, comments[start : start + IMPORT_BATCH]))
    shown = {
        c.publication_id for c, created in results if created and c.status == CommentStatus.APPROVED
    }
    announce(Topic.COMMENTS, shown)
    return results


def _comments_import_batch(
    source: str, batch: Sequence[ImportedComment]
) -> list[tuple[Comment, bool]]:
    # `exclude(source="")` repeats the unique index's condition, so the database uses it.
    existing = {
        c.legacy_id: c
        for c in Comment.objects.filter(
            source=source, legacy_id__in={one.legacy_id for one in batch}
        ).exclude(source="")
    }
    new: dict[str, Comment] = {}
    for one in batch:
        if one.legacy_id in existing or one.legacy_id in new:
            continue
        new[one.legacy_id] = Comment(
            publication=one.publication,
            parent=_reply_parent(one.parent, publication=one.publication),
            name=(one.name.strip() or "—")[:NAME_MAX],
            body=one.body,
            language=guess_language(one.body, near=one.publication.language),
            status=one.status,
            email_hash=email_hash(one.email),
            created_at=one.created_at,
            source=source,
            legacy_id=one.legacy_id,
        )
    if new:
        try:
            with transaction.atomic():
                Comment.objects.bulk_create(new.values())
        except IntegrityError as exc:
            raise StateError(
                "another run imported some of these comments at the same moment",
                hint="run the import again: what is imported already is left as it is",
            ) from exc
    results: list[tuple[Comment, bool]] = []
    for one in batch:
        if one.legacy_id in existing:
            results.append((existing[one.legacy_id], False))
        else:
            # The first of a legacy id given twice is created; the second finds it.
            comment = new[one.legacy_id]
            results.append((comment, all(r[0] is not comment for r in results)))
    return results


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
    """One comment of another system (see `comments_import`): the comment, and whether new."""
    one = ImportedComment(
        publication=publication,
        legacy_id=legacy_id,
        name=name,
        body=body,
        created_at=created_at,
        status=status,
        email=email,
        parent=parent,
    )
    return comments_import(actor=actor, source=source, comments=[one])[0]


# --- the rules: open, moderation mode ---------------------------------------------------


def moderation_mode(publication: Publication) -> str:
    """The publication's own mode if it has one, else the site's."""
    policy = CommentPolicy.objects.filter(publication=publication).first()
    if policy is not None and policy.moderation:
        return policy.moderation
    mode = str(settings.NASHR_COMMENTS_MODERATION)
    return mode if mode in ModerationMode.values else ModerationMode.ALL


def comments_open(publication: Publication, *, now: dt.datetime | None = None) -> bool:
    """Whether readers may comment: published, not closed, not past its days."""
    return comments_state(publication, now=now) == OPEN


OPEN, CLOSED, HIDDEN = "open", "closed", "hidden"


def comments_state(publication: Publication, *, now: dt.datetime | None = None) -> str:
    """``OPEN`` (readers may comment), ``CLOSED`` (the comments shown, no new ones) or
    ``HIDDEN`` (no comment shown, none taken: the publication's policy says so)."""
    policy = selectors.comment_policy(publication=publication)
    if policy is not None and policy.hidden:
        return HIDDEN
    if not publication.is_published:
        return CLOSED
    return OPEN if _open_under(publication, policy, now=now) else CLOSED


def _open_under(
    publication: Publication, policy: CommentPolicy | None, *, now: dt.datetime | None
) -> bool:
    if policy is not None and (policy.closed or policy.hidden):
        return False
    days = settings.NASHR_COMMENTS_CLOSE_AFTER_DAYS
    if policy is not None and policy.close_after_days is not None:
        days = policy.close_after_days
    if days and publication.published_at is not None:
        return (now or timezone.now()) < publication.published_at + dt.timedelta(days=days)
    return True


def _matching_pattern(text: str) -> CommentPattern | None:
    """The first pattern of the list that `text` matches (spam patterns first).

    A word of the list is found however either was typed (core.spelling): «كازينو»
    with Arabic letters is caught by «کازینو».
    """
    folded = fold_for_contains(text)
    for pattern in CommentPattern.objects.order_by("-action", "pattern"):
        if pattern.is_regex:
            try:
                found = re.search(pattern.pattern, text, flags=re.IGNORECASE) is not None
            except re.error:  # refused on save; one saved before the check is skipped
                continue
        else:
            word = fold_for_contains(pattern.pattern)
            found = bool(word) and word in folded
        if found:
            return pattern
    return None


def _is_blocked(*, email_digest: str, address_digest: str) -> bool:
    query = Q()
    if email_digest:
        query |= Q(email_hash=email_digest)
    if address_digest:
        query |= Q(address_hash=address_digest)
    return bool(query) and CommentBlock.objects.filter(query).exists()


def _is_trusted(email_digest: str) -> bool:
    """A commenter with enough approved comments under a confirmed address."""
    if not email_digest:
        return False
    approved = Comment.objects.filter(
        email_hash=email_digest, status=CommentStatus.APPROVED, email_confirmed_at__isnull=False
    ).count()
    return approved >= settings.NASHR_COMMENTS_TRUST_AFTER


# --- posting: the checks a reader's comment passes, in order ------------------------------


@dataclass
class Submission:
    """A reader's comment as the checks see it: its text tidied, its addresses hashed."""

    publication: Publication
    name: str
    body: str
    address: str  # the email address made lower-case, "" for none
    typed_email: str  # as the reader typed it, for the message that refuses it
    given_parent: Comment | None
    # A reply: `given_parent` is None when the comment named does not exist.
    parent_named: bool
    address_digest: str
    email_digest: str
    proof_of_work: bool
    now: dt.datetime

    @cached_property
    def parent(self) -> Comment | None:
        """The comment the reply hangs under (see `_reply_parent`)."""
        return _reply_parent(self.given_parent, publication=self.publication)


def _refuse_closed_publication(post: Submission) -> None:
    if not comments_open(post.publication, now=post.now):
        raise StateError(
            "comments on this publication are closed",
            where="publication",
            hint="the publication no longer takes comments",
        )


def _refuse_missing_or_long_name(post: Submission) -> None:
    if not post.name:
        raise ValidationError("write a name; a pseudonym is fine", where="name")
    if len(post.name) > NAME_MAX:
        raise ValidationError(f"the name is longer than {NAME_MAX} characters", where="name")
    check_one_line(post.name, where="name")


def _refuse_empty_or_long_body(post: Submission) -> None:
    if not post.body:
        raise ValidationError("the comment is empty", where="body")
    if len(post.body) > BODY_MAX:
        raise ValidationError(
            f"the comment is longer than {BODY_MAX} characters",
            where="body",
            hint="shorten it, or split it in two",
        )


def _refuse_invalid_email(post: Submission) -> None:
    if not post.address:
        return
    check_one_line(post.address, where="email")
    try:
        validate_email(post.address)
    except DjangoValidationError as exc:
        raise ValidationError(
            f"“{post.typed_email.strip()}” is not an email address",
            where="email",
            hint="write it as name@example.org, or leave it empty",
        ) from exc


def _refuse_reply_under_another_publication(post: Submission) -> None:
    if post.given_parent is not None:
        _check_reply_under(post.given_parent, publication=post.publication)


def _refuse_reply_to_unshown_comment(post: Submission) -> None:
    # A held, removed or spam comment gets the answer a missing one gets, after the rate
    # limit of the connection: the refusal says nothing of it, not even that it exists.
    if not post.parent_named:
        return
    answered = (post.given_parent, post.parent)
    if any(c is None or c.status != CommentStatus.APPROVED for c in answered):
        raise ValidationError("that comment cannot be answered", where="parent")


def _refuse_flood_from_connection(post: Submission) -> None:
    limit, window = settings.NASHR_COMMENTS_RATE
    if post.address_digest and not ratelimit.hit(
        kind="address", value=post.address_digest, limit=limit, window=window
    ):
        raise RateLimited(
            "too many comments from your connection",
            where="body",
            hint="wait an hour and post it again",
        )


def _refuse_flood_under_publication(post: Submission) -> None:
    limit, window = settings.NASHR_COMMENTS_PUBLICATION_RATE
    if not ratelimit.hit(
        kind="publication", value=str(post.publication.pk), limit=limit, window=window
    ):
        raise RateLimited(
            "too many comments under this publication just now",
            where="body",
            hint="wait an hour and post it again",
        )


def _refuse_duplicate(post: Submission) -> None:
    if Comment.objects.filter(
        publication=post.publication, body=post.body, created_at__gte=post.now - DUPLICATE_WINDOW
    ).exists():
        raise ValidationError(
            "this comment was already posted",
            where="body",
            hint="it is shown once a moderator approves it",
        )


# Each raises, telling the reader what was wrong and what to do; the first that does
# refuses the comment (the rate limit counts only what reaches it). The publication's
# quota is not here: `comment_post` counts it once HOLDS have found the comment no spam.
REFUSALS: tuple[Callable[[Submission], None], ...] = (
    _refuse_closed_publication,
    _refuse_missing_or_long_name,
    _refuse_empty_or_long_body,
    _refuse_invalid_email,
    _refuse_flood_from_connection,
    _refuse_reply_under_another_publication,
    _refuse_reply_to_unshown_comment,
    _refuse_duplicate,
)


# Each reason a comment is held for: as stored in `held_reason` (fixed English words,
# compared by `comment_email_confirm`, printed by `nashr comments list`) and as a
# moderator reads it in the admin.
HOLD_REASONS = {
    "blocked commenter": gettext_lazy("blocked commenter"),
    "too many links": gettext_lazy("too many links"),
    "no proof of work": gettext_lazy("the page's anti-spam check was not solved"),
    "every comment held": gettext_lazy("every comment under this publication is held"),
    "new commenter": gettext_lazy("new commenter"),
    "awaiting email confirmation": gettext_lazy("awaiting email confirmation"),
}
PATTERN_REASON = "pattern: "


def held_reason_text(stored: str) -> str:
    """`held_reason` ("new commenter; pattern: casino") with each reason in the
    interface's language, the pattern itself as written."""
    shown = []
    for reason in filter(None, stored.split("; ")):
        if reason.startswith(PATTERN_REASON):
            pattern = reason.removeprefix(PATTERN_REASON)
            shown.append(gettext("matches the pattern “%(pattern)s”") % {"pattern": pattern})
        else:
            shown.append(str(HOLD_REASONS.get(reason, reason)))
    return pgettext("between items of a list", ", ").join(shown)


@dataclass(frozen=True)
class Hold:
    """Why a comment waits for a moderator (kept in `held_reason`); spam is not shown to them."""

    reason: str
    spam: bool = False


def _hold_blocked_commenter(post: Submission) -> Hold | None:
    if _is_blocked(email_digest=post.email_digest, address_digest=post.address_digest):
        return Hold("blocked commenter", spam=True)
    return None


def _hold_matching_pattern(post: Submission) -> Hold | None:
    pattern = _matching_pattern(f"{post.name}\n{post.body}")
    if pattern is None:
        return None
    return Hold(f"{PATTERN_REASON}{pattern.pattern}", spam=pattern.action == PatternAction.SPAM)


def _hold_too_many_links(post: Submission) -> Hold | None:
    if count_links(post.body) > settings.NASHR_COMMENTS_MAX_LINKS:
        return Hold("too many links")
    return None


def _hold_without_proof_of_work(post: Submission) -> Hold | None:
    return None if post.proof_of_work else Hold("no proof of work")


def _hold_by_moderation_mode(post: Submission) -> Hold | None:
    mode = moderation_mode(post.publication)
    if mode == ModerationMode.ALL:
        return Hold("every comment held")
    if mode == ModerationMode.FIRST and not _is_trusted(post.email_digest):
        return Hold("new commenter")
    if mode == ModerationMode.FIRST:
        # Recognised by an address anyone could type: shown once the link mailed to it
        # is followed (comment_email_confirm).
        return Hold("awaiting email confirmation")
    return None


# Each may hold the comment for a moderator, or send it to spam; all of them are asked,
# and their reasons kept in this order.
HOLDS: tuple[Callable[[Submission], Hold | None], ...] = (
    _hold_blocked_commenter,
    _hold_matching_pattern,
    _hold_too_many_links,
    _hold_without_proof_of_work,
    _hold_by_moderation_mode,
)


@dataclass(frozen=True)
class Posted:
    """What became of a reader's comment: held (and why) or shown."""

    comment: Comment
    held: bool


def comment_post(
    *,
    publication: Publication,
    name: str,
    body: str,
    email: str = "",
    parent: Comment | None = None,
    parent_id: int | None = None,
    client_address: str = "",
    proof_of_work: bool = False,
    now: dt.datetime | None = None,
) -> Posted:
    """A reader's comment under `publication`: refused by the first of REFUSALS that
    refuses it, else stored, shown, or held by HOLDS (spam if one of them says so), and
    refused if not spam once the publication's hourly quota is used up.

    A reply names the comment it answers: `parent`, or `parent_id` as the reader's form
    sends it (looked up under `publication` only; one that does not exist is refused as
    one readers cannot see). `client_address` is only hashed (with the day) and never
    stored; `proof_of_work` says the reader's browser solved a challenge. A reader has no
    actor: readers' own actions leave no audit entry.

    The refusals run outside the transaction that stores the comment: the rate limit of
    the connection counts a post that a later refusal turns down (a reply to a comment
    readers cannot see is refused after it, so such replies cannot list held comments
    unhindered), and that count must outlive the refusal.
    """
    now = now or timezone.now()
    address = normalize_email(email)
    if parent is None and parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, publication=publication).first()
    post = Submission(
        publication=publication,
        name=" ".join(name.split()),
        body=body.strip().replace("\r\n", "\n"),
        address=address,
        typed_email=email,
        given_parent=parent,
        parent_named=parent is not None or parent_id is not None,
        address_digest=daily_address_hash(client_address, day=now.date()),
        email_digest=email_hash(address),
        proof_of_work=proof_of_work,
        now=now,
    )
    for refuse in REFUSALS:
        refuse(post)
    return _comment_store(post)


@transaction.atomic
def _comment_store(post: Submission) -> Posted:
    """Store the comment `post` that REFUSALS let through, held or shown as HOLDS say."""
    holds = [hold for check in HOLDS if (hold := check(post)) is not None]
    if any(hold.spam for hold in holds):
        status = CommentStatus.SPAM
    else:
        _refuse_flood_under_publication(post)
        status = CommentStatus.PENDING if holds else CommentStatus.APPROVED
    comment = Comment.objects.create(
        publication=post.publication,
        parent=post.parent,
        name=post.name,
        body=post.body,
        language=guess_language(post.body, near=post.publication.language),
        status=status,
        email=post.address,
        email_hash=post.email_digest,
        address_hash=post.address_digest,
        created_at=post.now,
        held_reason="; ".join(hold.reason for hold in holds)[:200],
    )
    if status == CommentStatus.APPROVED:
        announce(Topic.COMMENTS, [comment.publication_id])
        _notify_parent_on_commit(comment)
    if post.address and status != CommentStatus.SPAM:
        _confirmation_send_on_commit(comment.pk)
    return Posted(comment=comment, held=status != CommentStatus.APPROVED)


# --- mail to commenters --------------------------------------------------------------


def _mail(*, to: str, language: str, template: str, context: dict[str, object]) -> EmailMessage:
    return notification_message(
        to=to, language=language, template=f"comments/email/{template}", context=context
    )


def _confirmation_allowed(email_digest: str) -> bool:
    """Whether one more confirmation link may be mailed to the address of `email_digest`.

    Anyone can type anyone's address into the form: without a bound, 30 posts made 30
    mails, signed by this site, to one person. While a link mailed in the last
    NASHR_COMMENTS_CONFIRM_MAIL_WAIT seconds waits to be followed no other is sent (the
    comments posted meanwhile wait for a moderator), and never more than
    NASHR_COMMENTS_CONFIRM_MAIL_RATE. Counted by keyed hash, atomically (several workers).
    """
    waiting = ratelimit.hit(
        kind="confirm-waiting",
        value=email_digest,
        limit=1,
        window=settings.NASHR_COMMENTS_CONFIRM_MAIL_WAIT,
    )
    if not waiting:
        return False
    limit, window = settings.NASHR_COMMENTS_CONFIRM_MAIL_RATE
    return ratelimit.hit(kind="confirm-mails", value=email_digest, limit=limit, window=window)


def _reply_notice_allowed(*, email_digest: str, thread_id: int) -> bool:
    """Whether the commenter may be mailed one more reply notice in the thread `thread_id`:
    NASHR_COMMENTS_REPLY_MAIL_THREAD_RATE per thread, NASHR_COMMENTS_REPLY_MAIL_RATE in all
    (later replies are on the page the notice links to)."""
    limit, window = settings.NASHR_COMMENTS_REPLY_MAIL_THREAD_RATE
    if not ratelimit.hit(
        kind="reply-thread", value=f"{email_digest}:{thread_id}", limit=limit, window=window
    ):
        return False
    limit, window = settings.NASHR_COMMENTS_REPLY_MAIL_RATE
    return ratelimit.hit(kind="reply-mails", value=email_digest, limit=limit, window=window)


def comment_email_confirmation_send(*, comment_id: int) -> int:
    """Mail the commenter the link that confirms their address (and opens their data), unless
    the address had its share of them (`_confirmation_allowed`); how many mails were sent.

    Run by the task worker: the answer to the reader's post is the same, and as quick,
    whether the address is mailed or not.
    """
    comment = Comment.objects.select_related("publication").filter(pk=comment_id).first()
    if comment is None or not comment.email or comment.email_confirmed_at is not None:
        return 0
    if not _confirmation_allowed(comment.email_hash or email_hash(comment.email)):
        return 0
    language = comment.publication.language
    context = {
        "comment": comment,
        "confirm_url": tokens.confirm_url(comment=comment, language=language),
        "data_url": tokens.data_url(email=comment.email, language=language),
    }
    return _mail(to=comment.email, language=language, template="confirm", context=context).send()


def reply_notify(*, reply_id: int) -> int:
    """Tell the commenter answered by `reply_id` of the reply, if their address is confirmed
    and had not its share of notices (`_reply_notice_allowed`); how many mails were sent."""
    reply = Comment.objects.select_related("parent", "publication").filter(pk=reply_id).first()
    if reply is None or reply.parent is None or reply.status != CommentStatus.APPROVED:
        return 0
    parent = reply.parent
    if not parent.email or parent.email_confirmed_at is None:
        return 0
    digest = parent.email_hash or email_hash(parent.email)
    if not _reply_notice_allowed(email_digest=digest, thread_id=parent.pk):
        return 0
    language = reply.publication.language
    context = {
        "reply": reply,
        "url": settings.NASHR_SITE_URL + reply.publication.get_absolute_url(),
        "data_url": tokens.data_url(email=parent.email, language=language),
    }
    return _mail(to=parent.email, language=language, template="reply", context=context).send()


def _confirmation_send_on_commit(comment_id: int) -> None:
    # Imported here: the task module imports this one (the moderators' digest).
    from nashr.comments.tasks import send_confirmation

    transaction.on_commit(lambda: send_confirmation.enqueue(comment_id=comment_id))


def _notify_parent_on_commit(comment: Comment) -> None:
    # Imported here: the task module imports this one (the moderators' digest).
    from nashr.comments.tasks import notify_reply

    if comment.parent_id is not None:
        comment_id = comment.pk
        transaction.on_commit(lambda: notify_reply.enqueue(reply_id=comment_id))


@transaction.atomic
def comment_email_confirm(*, comment: Comment) -> Comment:
    """The commenter followed the mailed link: their address is theirs.

    A trusted commenter's comment that only waited for this is shown now.
    """
    stored = Comment.objects.select_for_update().get(pk=comment.pk)
    if stored.email_confirmed_at is None:
        stored.email_confirmed_at = timezone.now()
        stored.save(update_fields=["email_confirmed_at"])
        # The link was followed: the next comment's link may be mailed at once.
        ratelimit.reset(kind="confirm-waiting", value=stored.email_hash)
    if (
        stored.status == CommentStatus.PENDING
        and stored.held_reason == "awaiting email confirmation"
        and _is_trusted(stored.email_hash)
    ):
        stored.status = CommentStatus.APPROVED
        stored.held_reason = ""
        stored.moderated_at = timezone.now()
        stored.save(update_fields=["status", "held_reason", "moderated_at"])
        announce(Topic.COMMENTS, [stored.publication_id])
        _notify_parent_on_commit(stored)
    return stored


@transaction.atomic
def commenter_notifications_stop(*, email_digest: str) -> int:
    """Forget the commenter's address: no more mail about replies. How many comments had it."""
    return Comment.objects.filter(email_hash=email_digest).exclude(email="").update(email="")


@transaction.atomic
def commenter_delete(*, email_digest: str) -> int:
    """Delete every comment written with the address (and the replies to them)."""
    comments = Comment.objects.filter(email_hash=email_digest)
    shown = set(
        comments.filter(status=CommentStatus.APPROVED).values_list("publication_id", flat=True)
    )
    count = comments.count()
    comments.delete()
    announce(Topic.COMMENTS, shown)
    return count


# --- moderation ----------------------------------------------------------------------


@transaction.atomic
def comments_moderate(*, actor: Actor, comment_ids: Iterable[int], status: str) -> int:
    """Set the status of the comments named (approve, remove, spam); how many changed."""
    require(actor, "comments.moderate_comment", action="moderate comments")
    if status not in CommentStatus.values:
        raise ValidationError(
            f"unknown status “{status}”",
            where="status",
            hint=f"use one of: {', '.join(CommentStatus.values)}",
        )
    ids = sorted(set(comment_ids))
    comments = list(Comment.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    missing = set(ids) - {comment.pk for comment in comments}
    if missing:
        raise ValidationError(
            f"no comment #{min(missing)}", where="id", hint="see `nashr comments list`"
        )
    now = timezone.now()
    changed = [comment for comment in comments if comment.status != status]
    # Readers see a change only of a comment that is shown now or was shown before.
    seen = {
        comment.publication_id
        for comment in changed
        if CommentStatus.APPROVED in (status, comment.status)
    }
    for comment in changed:
        previous = comment.status
        comment.status = status
        comment.moderated_at = now
        comment.save(update_fields=["status", "moderated_at"])
        audit_record(
            actor=actor,
            action="comment.moderate",
            target=comment,
            label=f"#{comment.pk} ({comment.publication_id})",
            changes={"status": [previous, status]},
        )
        if status == CommentStatus.APPROVED:
            _notify_parent_on_commit(comment)
    announce(Topic.COMMENTS, seen)
    return len(changed)


@transaction.atomic
def comment_reply_staff(*, actor: Actor, parent: Comment, body: str) -> Comment:
    """A reply by a staff member, shown at once and marked as the organization's."""
    require(actor, "comments.moderate_comment", action="reply to comments")
    body = body.strip()
    if not body:
        raise ValidationError("the reply is empty", where="body")
    parent = _reply_parent(parent, publication=parent.publication)  # type: ignore[assignment]  # never None for a comment
    user = actor_user(actor)
    reply = Comment.objects.create(
        publication=parent.publication,
        parent=parent,
        name=user.get_username() if user is not None else "staff",
        body=body,
        language=guess_language(body, near=parent.publication.language),
        status=CommentStatus.APPROVED,
        staff_author=user,
        created_at=timezone.now(),
    )
    audit_record(actor=actor, action="comment.reply", target=reply, label=f"#{reply.pk}")
    announce(Topic.COMMENTS, [reply.publication_id])
    _notify_parent_on_commit(reply)
    return reply


@transaction.atomic
def commenter_block(
    *, actor: Actor, comment: Comment, by_email: bool = True, by_address: bool = True
) -> CommentBlock:
    """Block whoever wrote `comment`: their pending comments become spam, later ones too."""
    require(actor, "comments.moderate_comment", action="block commenters")
    email_digest = comment.email_hash if by_email else ""
    address_digest = comment.address_hash if by_address else ""
    if not email_digest and not address_digest:
        raise ValidationError(
            f"comment #{comment.pk} carries no email or address hash to block by",
            where="comment",
            hint="remove or mark the comment as spam instead",
        )
    block = CommentBlock.objects.create(
        email_hash=email_digest,
        address_hash=address_digest,
        note=f"#{comment.pk} {comment.name}"[:200],
        created_by=actor_user(actor),
    )
    query = Q()
    if email_digest:
        query |= Q(email_hash=email_digest)
    if address_digest:
        query |= Q(address_hash=address_digest)
    Comment.objects.filter(query, status=CommentStatus.PENDING).update(
        status=CommentStatus.SPAM, moderated_at=timezone.now()
    )
    audit_record(actor=actor, action="comment.block", target=block, label=f"#{comment.pk}")
    return block


@transaction.atomic
def comment_pattern_save(*, actor: Actor, pattern: CommentPattern) -> CommentPattern:
    """Add or change a word or pattern of the list; a regular expression must compile."""
    require(actor, "comments.moderate_comment", action="change the comment pattern list")
    text = pattern.pattern.strip()
    if not text:
        raise ValidationError("write a word or a pattern", where="pattern")
    if pattern.is_regex:
        try:
            re.compile(text)
        except re.error as exc:
            raise ValidationError(
                f"not a regular expression: {exc}",
                where="pattern",
                hint="fix it, or untick “regular expression” to match the words as written",
            ) from exc
    pattern.pattern = text
    pattern.save()
    audit_record(actor=actor, action="comment.pattern", target=pattern)
    return pattern


@transaction.atomic
def comment_policy_set(
    *,
    actor: Actor,
    publication: Publication,
    moderation: str = "",
    closed: bool = False,
    hidden: bool = False,
    close_after_days: int | None = None,
) -> CommentPolicy:
    """Set how the publication departs from the site's comment settings."""
    require(actor, "comments.moderate_comment", action="change comment settings")
    if moderation and moderation not in ModerationMode.values:
        raise ValidationError(
            f"unknown moderation “{moderation}”",
            where="moderation",
            hint=f"use one of: {', '.join(ModerationMode.values)}, or nothing for the site's",
        )
    policy, _created = CommentPolicy.objects.update_or_create(
        publication=publication,
        defaults={
            "moderation": moderation,
            "closed": closed,
            "hidden": hidden,
            "close_after_days": close_after_days,
        },
    )
    audit_record(
        actor=actor,
        action="comment.policy",
        target=publication,
        changes={
            "moderation": moderation,
            "closed": closed,
            "hidden": hidden,
            "days": close_after_days,
        },
    )
    # The form (and, hidden, the comments) under the publication appear or disappear.
    announce(Topic.COMMENTS, [publication.pk])
    return policy


@transaction.atomic
def comment_policies_import(
    *, actor: Actor, closed: Collection[Publication], hidden: Collection[Publication]
) -> int:
    """Close or hide the comments of imported publications, as the old system had them.

    Closed: the comments stay shown and no new one is taken; hidden: none is shown
    either. A publication's other settings (moderation, days) are left as they are. One
    statement per batch, no audit entry per publication (the importer records the run).
    """
    require(actor, "comments.add_comment", action="import comment settings")
    wanted = {p.pk: False for p in closed}
    wanted.update({p.pk: True for p in hidden})
    ids = list(wanted)
    for start in range(0, len(ids), IMPORT_BATCH):
        batch = ids[start : start + IMPORT_BATCH]
        have = set(
            CommentPolicy.objects.filter(publication_id__in=batch).values_list(
                "publication_id", flat=True
            )
        )
        for is_hidden in (False, True):
            CommentPolicy.objects.filter(
                publication_id__in=[pk for pk in have if wanted[pk] is is_hidden]
            ).update(closed=True, hidden=is_hidden)
        CommentPolicy.objects.bulk_create(
            [
                CommentPolicy(publication_id=pk, closed=True, hidden=wanted[pk])
                for pk in batch
                if pk not in have
            ]
        )
    announce(Topic.COMMENTS, ids)
    return len(ids)


# --- digest for moderators ---------------------------------------------------------------


def comments_digest_send(*, actor: Actor) -> int:
    """Mail the moderators one list of the comments waiting; how many mails were sent.

    Sent only when something waits; each moderator (a staff member who may moderate
    comments and has an email address) gets one mail, whatever the number of comments.
    """
    require(actor, "comments.moderate_comment", action="send the comment digest")
    from django.contrib.auth import get_user_model

    pending = list(
        Comment.objects.filter(status=CommentStatus.PENDING)
        .select_related("publication")
        .order_by("created_at")[:200]
    )
    if not pending:
        return 0
    total = Comment.objects.filter(status=CommentStatus.PENDING).count()
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    moderators = [user for user in users if user.has_perm("comments.moderate_comment")]
    connection = get_connection()
    sent = 0
    with connection:
        for user in moderators:
            context = {
                "comments": pending,
                "total": total,
                "admin_url": f"{settings.NASHR_SITE_URL}/{settings.LANGUAGE_CODE}/admin/"
                "comments/comment/?status__exact=pending",
            }
            message = _mail(
                to=user.email, language=settings.LANGUAGE_CODE, template="digest", context=context
            )
            message.connection = connection
            sent += message.send()
    return sent
