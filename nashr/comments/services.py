"""Every write to comments goes through these functions.

A reader's comment passes, in order: open for comments, rate limits (per client address
and per publication), the duplicate check, blocks, the pattern list, the link count, the
proof of work and the moderation mode. Each check either refuses the comment (the reader
is told why and can act) or decides how it is held; the reasons are kept in
`held_reason` for the moderator. Approving or removing what readers see refreshes every
cached page (`public_pages_changed`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

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
from nashr.comments.text import count_links, guess_language
from nashr.core.actors import Actor, actor_user, require
from nashr.core.exceptions import StateError, ValidationError
from nashr.core.mail import from_address, message_id_new
from nashr.core.pagecache import public_pages_changed
from nashr.core.text import check_one_line
from nashr.publications.hooks import ImportedComment
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


# Comments looked up and written per statement.
IMPORT_BATCH = 500


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
    if any(created and c.status == CommentStatus.APPROVED for c, created in results):
        public_pages_changed()
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
            language=guess_language(one.body),
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
    if not publication.is_published:
        return False
    return _open_under(publication, selectors.comment_policy(publication=publication), now=now)


def _open_under(
    publication: Publication, policy: CommentPolicy | None, *, now: dt.datetime | None
) -> bool:
    if policy is not None and policy.closed:
        return False
    days = settings.NASHR_COMMENTS_CLOSE_AFTER_DAYS
    if policy is not None and policy.close_after_days is not None:
        days = policy.close_after_days
    if days and publication.published_at is not None:
        return (now or timezone.now()) < publication.published_at + dt.timedelta(days=days)
    return True


def _matching_pattern(text: str) -> CommentPattern | None:
    """The first pattern of the list that `text` matches (spam patterns first)."""
    folded = text.casefold()
    for pattern in CommentPattern.objects.order_by("-action", "pattern"):
        if pattern.is_regex:
            try:
                found = re.search(pattern.pattern, text, flags=re.IGNORECASE) is not None
            except re.error:  # refused on save; one saved before the check is skipped
                continue
        else:
            found = pattern.pattern.casefold() in folded
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


def _check_text(*, name: str, body: str, email: str) -> tuple[str, str, str]:
    name = " ".join(name.split())
    body = body.strip().replace("\r\n", "\n")
    if not name:
        raise ValidationError("write a name; a pseudonym is fine", where="name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"the name is longer than {NAME_MAX} characters", where="name")
    check_one_line(name, where="name")
    if not body:
        raise ValidationError("the comment is empty", where="body")
    if len(body) > BODY_MAX:
        raise ValidationError(
            f"the comment is longer than {BODY_MAX} characters",
            where="body",
            hint="shorten it, or split it in two",
        )
    address = normalize_email(email)
    if address:
        check_one_line(address, where="email")
        try:
            validate_email(address)
        except DjangoValidationError as exc:
            raise ValidationError(
                f"“{email.strip()}” is not an email address",
                where="email",
                hint="write it as name@example.org, or leave it empty",
            ) from exc
    return name, body, address


@dataclass(frozen=True)
class Posted:
    """What became of a reader's comment: held (and why) or shown."""

    comment: Comment
    held: bool


@transaction.atomic
def comment_post(
    *,
    publication: Publication,
    name: str,
    body: str,
    email: str = "",
    parent: Comment | None = None,
    client_address: str = "",
    proof_of_work: bool = False,
    now: dt.datetime | None = None,
) -> Posted:
    """A reader's comment under `publication`; refused, held or shown by the rules above.

    `client_address` is only hashed (with the day) and never stored; `proof_of_work`
    says the reader's browser solved a challenge. A reader has no actor: readers' own
    actions leave no audit entry.
    """
    now = now or timezone.now()
    if not comments_open(publication, now=now):
        raise StateError(
            "comments on this publication are closed",
            where="publication",
            hint="the publication no longer takes comments",
        )
    name, body, address = _check_text(name=name, body=body, email=email)
    parent = _reply_parent(parent, publication=publication)
    if parent is not None and parent.status != CommentStatus.APPROVED:
        raise ValidationError("that comment cannot be answered", where="parent")
    address_digest = daily_address_hash(client_address, day=now.date())
    email_digest = email_hash(address)
    limit, window = settings.NASHR_COMMENTS_RATE
    if address_digest and not ratelimit.hit(
        kind="address", value=address_digest, limit=limit, window=window
    ):
        raise RateLimited(
            "too many comments from your connection",
            where="body",
            hint="wait an hour and post it again",
        )
    limit, window = settings.NASHR_COMMENTS_PUBLICATION_RATE
    if not ratelimit.hit(kind="publication", value=str(publication.pk), limit=limit, window=window):
        raise RateLimited(
            "too many comments under this publication just now",
            where="body",
            hint="wait an hour and post it again",
        )
    if Comment.objects.filter(
        publication=publication, body=body, created_at__gte=now - DUPLICATE_WINDOW
    ).exists():
        raise ValidationError(
            "this comment was already posted",
            where="body",
            hint="it is shown once a moderator approves it",
        )
    status, reasons = CommentStatus.APPROVED, []
    if _is_blocked(email_digest=email_digest, address_digest=address_digest):
        status, reasons = CommentStatus.SPAM, ["blocked commenter"]
    pattern = _matching_pattern(f"{name}\n{body}")
    if pattern is not None:
        if pattern.action == PatternAction.SPAM:
            status = CommentStatus.SPAM
        reasons.append(f"pattern: {pattern.pattern}")
    if count_links(body) > settings.NASHR_COMMENTS_MAX_LINKS:
        reasons.append("too many links")
    if not proof_of_work:
        reasons.append("no proof of work")
    mode = moderation_mode(publication)
    if mode == ModerationMode.ALL:
        reasons.append("every comment held")
    elif mode == ModerationMode.FIRST and not _is_trusted(email_digest):
        reasons.append("new commenter")
    elif mode == ModerationMode.FIRST:
        # Recognised by an address anyone could type: shown once the link mailed to it
        # is followed (comment_email_confirm).
        reasons.append("awaiting email confirmation")
    if reasons and status == CommentStatus.APPROVED:
        status = CommentStatus.PENDING
    comment = Comment.objects.create(
        publication=publication,
        parent=parent,
        name=name,
        body=body,
        language=guess_language(body),
        status=status,
        email=address,
        email_hash=email_digest,
        address_hash=address_digest,
        created_at=now,
        held_reason="; ".join(reasons)[:200],
    )
    if status == CommentStatus.APPROVED:
        public_pages_changed()
        _notify_parent_on_commit(comment)
    if address and status != CommentStatus.SPAM:
        comment_id = comment.pk
        transaction.on_commit(lambda: confirmation_send(comment_id=comment_id))
    return Posted(comment=comment, held=status != CommentStatus.APPROVED)


# --- mail to commenters --------------------------------------------------------------


def _mail(*, to: str, language: str, template: str, context: dict[str, object]) -> EmailMessage:
    with translation.override(language):
        subject = render_to_string(f"comments/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"comments/email/{template}.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=from_address(),
        to=[to],
        headers={"Auto-Submitted": "auto-generated", "Message-ID": message_id_new()},
    )


def confirmation_send(*, comment_id: int) -> None:
    """Mail the link that confirms the commenter's address (and opens their data)."""
    comment = Comment.objects.select_related("publication").filter(pk=comment_id).first()
    if comment is None or not comment.email:
        return
    language = comment.publication.language
    context = {
        "comment": comment,
        "confirm_url": tokens.confirm_url(comment=comment, language=language),
        "data_url": tokens.data_url(email=comment.email, language=language),
    }
    _mail(to=comment.email, language=language, template="confirm", context=context).send()


def reply_notify(*, reply_id: int) -> int:
    """Tell the commenter answered by `reply_id` of the reply, if their address is confirmed."""
    reply = Comment.objects.select_related("parent", "publication").filter(pk=reply_id).first()
    if reply is None or reply.parent is None or reply.status != CommentStatus.APPROVED:
        return 0
    parent = reply.parent
    if not parent.email or parent.email_confirmed_at is None:
        return 0
    language = reply.publication.language
    context = {
        "reply": reply,
        "url": settings.NASHR_SITE_URL + reply.publication.get_absolute_url(),
        "data_url": tokens.data_url(email=parent.email, language=language),
    }
    return _mail(to=parent.email, language=language, template="reply", context=context).send()


def _notify_parent_on_commit(comment: Comment) -> None:
    if comment.parent_id is not None:
        comment_id = comment.pk
        transaction.on_commit(lambda: reply_notify(reply_id=comment_id))


@transaction.atomic
def comment_email_confirm(*, comment: Comment) -> Comment:
    """The commenter followed the mailed link: their address is theirs.

    A trusted commenter's comment that only waited for this is shown now.
    """
    stored = Comment.objects.select_for_update().get(pk=comment.pk)
    if stored.email_confirmed_at is None:
        stored.email_confirmed_at = timezone.now()
        stored.save(update_fields=["email_confirmed_at"])
    if (
        stored.status == CommentStatus.PENDING
        and stored.held_reason == "awaiting email confirmation"
        and _is_trusted(stored.email_hash)
    ):
        stored.status = CommentStatus.APPROVED
        stored.held_reason = ""
        stored.moderated_at = timezone.now()
        stored.save(update_fields=["status", "held_reason", "moderated_at"])
        public_pages_changed()
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
    shown = comments.filter(status=CommentStatus.APPROVED).exists()
    count = comments.count()
    comments.delete()
    if shown:
        public_pages_changed()
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
    seen_before = any(comment.status == CommentStatus.APPROVED for comment in changed)
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
    if changed and (status == CommentStatus.APPROVED or seen_before):
        public_pages_changed()
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
        language=guess_language(body),
        status=CommentStatus.APPROVED,
        staff_author=user,
        created_at=timezone.now(),
    )
    audit_record(actor=actor, action="comment.reply", target=reply, label=f"#{reply.pk}")
    public_pages_changed()
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
            "close_after_days": close_after_days,
        },
    )
    audit_record(
        actor=actor,
        action="comment.policy",
        target=publication,
        changes={"moderation": moderation, "closed": closed, "days": close_after_days},
    )
    # The form under the publication appears or disappears.
    public_pages_changed()
    return policy


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
