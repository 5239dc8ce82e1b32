"""Every write of the fediverse app: followers, posts sent, replies and reactions received.

An inbox request is handled in this order, each step refusing before the next costs
anything: the federation is on; the body is no larger than NASHR_FEDERATION_INBOX_MAX_BYTES;
it carries a Signature header; the signer's host is not blocked and within its rate
(NASHR_FEDERATION_INBOX_RATE per host, counted before any key is fetched, so a flood
from one host costs one database statement per request); the signature covers the
right headers, its date is within the window and the digest matches the body; the key,
fetched once and cached, verifies it (a key that does not, fetched again once: the actor
may have a new one); the key's owner is the activity's actor. Only then is the activity
read: Follow, Undo, Create of a reply, Delete of one, Like, Announce.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from nashr.audit.services import audit_record
from nashr.comments.models import Comment, CommentStatus
from nashr.comments.services import (
    BODY_MAX,
    NAME_MAX,
    comment_import,
    comments_moderate,
    comments_open,
)
from nashr.core import ratelimit
from nashr.core.actors import Actor, SystemActor, require
from nashr.core.exceptions import ValidationError
from nashr.core.languages import codes, default_language
from nashr.federation import documents, keys, signatures
from nashr.federation.models import (
    Activity,
    DeliveryState,
    DomainBlock,
    FederatedPost,
    Follower,
    InboxDelivery,
    PostState,
    Reaction,
    ReactionKind,
    RemoteKey,
)
from nashr.federation.remote import Refused, RemoteError, fetch_json, host_of, is_blocked
from nashr.publications.models import Publication, Status

logger = logging.getLogger(__name__)

# The fediverse acting on the site: replies stored, held for moderators.
FEDIVERSE = SystemActor("fediverse")
COMMENT_SOURCE = "fediverse"
KEY_REFRESH = dt.timedelta(days=1)
# A reply holding any of these is refused whole, not cleaned: no one writes them by hand.
_ACTIVE_CONTENT = re.compile(r"<\s*(script|style|iframe|object|embed|form)\b", re.IGNORECASE)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/blockquote|/h[1-6])\s*/?\s*>", re.IGNORECASE)


def federation_on() -> bool:
    return bool(settings.NASHR_FEDERATION)


# --- what the followers are told ----------------------------------------------------------


def _inboxes(language: str) -> list[str]:
    """Where an activity of `language`'s actor goes: one shared inbox per server, else
    each follower's own; never to a blocked host."""
    inboxes = set()
    for follower in Follower.objects.filter(language=language).only("inbox", "shared_inbox"):
        inbox = follower.delivery_inbox
        if not is_blocked(host_of(inbox)):
            inboxes.add(inbox)
    return sorted(inboxes)


def activity_queue(*, language: str, document: dict[str, Any], inboxes: Iterable[str]) -> Activity:
    """Store `document` and a queued delivery of it to each inbox (inside the caller's
    transaction: the rows are there once it commits, or not at all)."""
    activity = Activity.objects.create(
        language=language, kind=str(document["type"]), document=document
    )
    InboxDelivery.objects.bulk_create(
        [InboxDelivery(activity=activity, inbox=inbox) for inbox in sorted(set(inboxes))]
    )
    return activity


def _post_sync(publication_id: int) -> int:
    """Create, Update or Delete for one publication, by what was last sent; rows queued."""
    publication = Publication.objects.filter(pk=publication_id).first()
    post = FederatedPost.objects.select_for_update().filter(publication_id=publication_id).first()
    live = post is not None and post.state == PostState.LIVE
    if publication is not None and publication.status == Status.PUBLISHED:
        if post is None and not _new(publication):
            return 0  # an archive imported, or an old text published at last: not news
        article = documents.article_document(publication)
        mark = documents.fingerprint(article)
        if live and post is not None and post.fingerprint == mark:
            return 0
        kind = "Update" if live else "Create"
        updated = publication.updated_at.isoformat(timespec="seconds") if live else ""
        document = documents.create_or_update(kind, article, updated=updated)
        language = publication.language
        FederatedPost.objects.update_or_create(
            publication_id=publication_id,
            defaults={
                "language": language,
                "state": PostState.LIVE,
                "fingerprint": mark,
                "updated_at": timezone.now(),
            },
        )
    elif live and post is not None:
        language = post.language
        document = documents.delete(language, publication_id)
        post.state = PostState.DELETED
        post.updated_at = timezone.now()
        post.save(update_fields=["state", "updated_at"])
    else:
        return 0
    inboxes = _inboxes(language)
    activity_queue(language=language, document=document, inboxes=inboxes)
    return len(inboxes)


def _new(publication: Publication) -> bool:
    """Published within NASHR_FEDERATION_NEW_WITHIN_HOURS: sent to the followers as news."""
    hours = dt.timedelta(hours=float(settings.NASHR_FEDERATION_NEW_WITHIN_HOURS))
    moment = publication.published_at
    return moment is not None and moment >= timezone.now() - hours


def posts_sync(*, publication_ids: Sequence[int]) -> int:
    """Bring what followers were told of these publications up to date (the task worker's
    work after a publication changed); how many deliveries were queued."""
    if not federation_on():
        return 0
    queued = 0
    for publication_id in sorted(set(publication_ids)):
        try:
            with transaction.atomic():
                queued += _post_sync(publication_id)
        except IntegrityError:
            # Another worker told them at the same moment (the unique publication id).
            continue
    return queued


# --- the inbox ----------------------------------------------------------------------------


class InboxRefused(Exception):
    """An inbox request refused: the HTTP status, and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class InboxRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


def _remote_key(key_id: str, *, refresh: bool = False) -> RemoteKey:
    """The key `key_id`, from the cache unless `refresh` or old; fetched (signed) else."""
    cached = RemoteKey.objects.filter(key_id=key_id).first()
    if cached is not None and not refresh and timezone.now() - cached.fetched_at < KEY_REFRESH:
        return cached
    url = key_id.split("#", 1)[0]
    signer = keys.signer(default_language())
    try:
        document = fetch_json(url, signer=signer)
    except Refused as exc:
        # Why stays in the log: the sender learns nothing of how names resolve here.
        logger.warning("inbox: key %s not fetched: %s", key_id, exc)
        raise InboxRefused(401, f"the key {key_id} could not be fetched") from exc
    except RemoteError as exc:
        raise InboxRefused(401, f"the key {key_id} could not be fetched: {exc}") from exc
    key = document.get("publicKey")
    if isinstance(key, dict) and key.get("id") != key_id:
        key = None
    if not isinstance(key, dict) or not isinstance(key.get("publicKeyPem"), str):
        # The key document itself (a CryptographicKey), as some servers publish it.
        if document.get("id") == key_id and isinstance(document.get("publicKeyPem"), str):
            key = document
            owner = document.get("owner")
            document = fetch_json(str(owner), signer=signer) if isinstance(owner, str) else {}
        else:
            raise InboxRefused(401, f"{url} has no key {key_id}")
    actor = str(key.get("owner") or document.get("id") or "")
    if host_of(actor) != host_of(key_id):
        raise InboxRefused(401, f"the key {key_id} belongs to another host")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    username = str(document.get("preferredUsername") or "")
    values = {
        "actor_id": actor,
        "handle": f"@{username}@{host_of(actor)}" if username else actor,
        "inbox": str(document.get("inbox") or ""),
        "shared_inbox": str((endpoints or {}).get("sharedInbox") or ""),
        "public_key_pem": str(key["publicKeyPem"]),
        "fetched_at": timezone.now(),
    }
    stored, _created = RemoteKey.objects.update_or_create(key_id=key_id, defaults=values)
    return stored


def inbox_verify(
    request: InboxRequest, *, now: dt.datetime | None = None
) -> tuple[RemoteKey, dict[str, Any]]:
    """The verified signer and the activity, or InboxRefused (see the module's docstring)."""
    now = now or timezone.now()
    if len(request.body) > settings.NASHR_FEDERATION_INBOX_MAX_BYTES:
        raise InboxRefused(413, "the request is too large")
    header = request.headers.get("signature", "")
    if not header:
        raise InboxRefused(401, "the request is not signed")
    try:
        signature = signatures.parse(header)
    except signatures.SignatureError as exc:
        raise InboxRefused(401, str(exc)) from exc
    host = host_of(signature.key_id)
    if not host or is_blocked(host):
        raise InboxRefused(403, f"{host or 'this host'} is blocked")
    limit, window = settings.NASHR_FEDERATION_INBOX_RATE
    if not ratelimit.hit(
        namespace="federation.inbox", kind="host", value=host, limit=limit, window=window
    ):
        raise InboxRefused(429, f"too many requests from {host}")
    try:
        signed = signatures.check_request(
            signature=signature,
            method=request.method,
            path=request.path,
            headers=request.headers,
            body=request.body,
            now=now,
        )
    except signatures.SignatureError as exc:
        raise InboxRefused(401, str(exc)) from exc
    try:
        activity = json.loads(request.body)
    except ValueError as exc:
        raise InboxRefused(400, "the body is not JSON") from exc
    if not isinstance(activity, dict):
        raise InboxRefused(400, "the body is not an activity")
    key = _remote_key(signature.key_id)
    if not signatures.verify(
        signature=signature, signing_string=signed, public_key_pem=key.public_key_pem
    ):
        key = _remote_key(signature.key_id, refresh=True)
        if not signatures.verify(
            signature=signature, signing_string=signed, public_key_pem=key.public_key_pem
        ):
            raise InboxRefused(401, "the signature does not match the key")
    if _id_of(activity.get("actor")) != key.actor_id:
        raise InboxRefused(401, "the activity's actor did not sign it")
    return key, activity


def _id_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def inbox_receive(request: InboxRequest, *, language: str | None) -> str:
    """Handle one inbox request (`language`: the actor's inbox; None: the shared one);
    what was done, in a word, or InboxRefused."""
    if not federation_on():
        raise InboxRefused(404, "the fediverse is not turned on")
    key, activity = inbox_verify(request)
    kind = activity.get("type")
    handlers = {
        "Follow": _follow,
        "Undo": _undo,
        "Create": _create,
        "Delete": _delete,
        "Like": _react,
        "Announce": _react,
    }
    handler = handlers.get(str(kind))
    if handler is None:
        return "ignored"
    with transaction.atomic():
        return handler(key, activity)


def _language_of_actor(url: str) -> str | None:
    for code in codes():
        if documents.actor_url(code) == url:
            return code
    return None


def _follow(key: RemoteKey, activity: dict[str, Any]) -> str:
    language = _language_of_actor(_id_of(activity.get("object")))
    if language is None:
        raise InboxRefused(404, "no such actor here")
    if not key.inbox:
        raise InboxRefused(400, "the follower has no inbox")
    Follower.objects.update_or_create(
        language=language,
        actor_id=key.actor_id,
        defaults={
            "handle": key.handle,
            "host": host_of(key.actor_id),
            "inbox": key.inbox,
            "shared_inbox": key.shared_inbox,
        },
    )
    activity_queue(
        language=language, document=documents.accept(language, activity), inboxes=[key.inbox]
    )
    _deliver_on_commit()
    return "followed"


def _deliver_on_commit() -> None:
    from nashr.federation.tasks import deliver

    transaction.on_commit(lambda: deliver.enqueue())


def _undo(key: RemoteKey, activity: dict[str, Any]) -> str:
    undone = activity.get("object")
    kind = undone.get("type") if isinstance(undone, dict) else None
    if kind == "Follow" and isinstance(undone, dict):
        language = _language_of_actor(_id_of(undone.get("object")))
        Follower.objects.filter(language=language, actor_id=key.actor_id).delete()
        return "unfollowed"
    if kind in {"Like", "Announce"} and isinstance(undone, dict):
        publication_id = publication_of(_id_of(undone.get("object")))
        Reaction.objects.filter(
            publication_id=publication_id or 0,
            kind=ReactionKind.LIKE if kind == "Like" else ReactionKind.ANNOUNCE,
            actor_id=key.actor_id,
        ).delete()
        return "undone"
    return "ignored"


def publication_of(url: str) -> int | None:
    """The published publication `url` names on this site (its Article or its page)."""
    if not url or host_of(url) != host_of(settings.NASHR_SITE_URL):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name not in {
        "federation:article",
        "publications:detail",
        "publications:detail_by_id",
    }:
        return None
    pk = int(match.kwargs["pk"])
    if not Publication.objects.filter(pk=pk, status=Status.PUBLISHED).exists():
        return None
    return pk


def reply_text(content: str) -> str:
    """A reply's HTML as the plain text comments are made of (rendered as every comment)."""
    text = _BREAKS.sub("\n", content)
    text = nh3.clean(text, tags=set())
    text = html.unescape(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _legacy_id(object_id: str) -> str:
    return hashlib.sha256(object_id.encode()).hexdigest()


def _create(key: RemoteKey, activity: dict[str, Any]) -> str:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") not in {"Note", "Article"}:
        return "ignored"
    publication_id = publication_of(_id_of(note.get("inReplyTo")))
    if publication_id is None:
        return "ignored"
    if _id_of(note.get("attributedTo")) not in {"", key.actor_id}:
        raise InboxRefused(401, "the reply is attributed to someone else")
    object_id = _id_of(note.get("id"))
    if host_of(object_id) != host_of(key.actor_id):
        raise InboxRefused(400, "the reply's id is not on its author's server")
    content = str(note.get("content") or "")
    content_map = note.get("contentMap")
    if not content and isinstance(content_map, dict) and content_map:
        content = str(next(iter(content_map.values())))
    if _ACTIVE_CONTENT.search(content):
        raise InboxRefused(422, "the reply carries active content (script, style, frames)")
    link = _id_of(note.get("url")) or object_id
    text = reply_text(content)
    if not text:
        raise InboxRefused(422, "the reply is empty")
    body = f"{text}\n\n{link}"
    if len(body) > BODY_MAX:
        raise InboxRefused(413, f"the reply is longer than {BODY_MAX} characters")
    publication = Publication.objects.get(pk=publication_id)
    if not comments_open(publication):
        raise InboxRefused(403, "comments on this publication are closed")
    published = _moment(note.get("published"))
    comment_import(
        actor=FEDIVERSE,
        publication=publication,
        source=COMMENT_SOURCE,
        legacy_id=_legacy_id(object_id),
        name=key.handle[:NAME_MAX],
        body=body,
        created_at=published,
        status=CommentStatus.PENDING,
    )
    return "held"


def _moment(value: Any) -> dt.datetime:
    now = timezone.now()
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return now
        if moment.tzinfo is not None and moment <= now:
            return moment
    return now


def _delete(key: RemoteKey, activity: dict[str, Any]) -> str:
    object_id = _id_of(activity.get("object"))
    if object_id == key.actor_id:
        Follower.objects.filter(actor_id=key.actor_id).delete()
        return "forgotten"
    if host_of(object_id) != host_of(key.actor_id):
        return "ignored"
    comments = Comment.objects.filter(source=COMMENT_SOURCE, legacy_id=_legacy_id(object_id))
    ids = [c.pk for c in comments if c.status != CommentStatus.REMOVED]
    if ids:
        comments_moderate(actor=FEDIVERSE, comment_ids=ids, status=CommentStatus.REMOVED)
        return "removed"
    return "ignored"


def _react(key: RemoteKey, activity: dict[str, Any]) -> str:
    publication_id = publication_of(_id_of(activity.get("object")))
    if publication_id is None:
        return "ignored"
    kind = ReactionKind.LIKE if activity.get("type") == "Like" else ReactionKind.ANNOUNCE
    Reaction.objects.get_or_create(publication_id=publication_id, kind=kind, actor_id=key.actor_id)
    return "counted"


# --- blocked servers ----------------------------------------------------------------------

_DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
)


def _on_domain(host: str, domain: str) -> bool:
    return host == domain or host.endswith(f".{domain}")


@transaction.atomic
def domain_block_save(*, actor: Actor, block: DomainBlock) -> DomainBlock:
    """Block a server (and its subdomains): its followers go, nothing more is sent there,
    and its requests are refused."""
    require(actor, "federation.add_domainblock", action="block servers")
    domain = block.domain.strip().lower().rstrip(".")
    domain = domain.removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    if not _DOMAIN.match(domain):
        raise ValidationError(
            f"“{block.domain}” is not a host name", where="domain", hint="write it as spam.example"
        )
    block.domain = domain
    block.save()
    gone = [f.pk for f in Follower.objects.all() if _on_domain(f.host, domain)]
    Follower.objects.filter(pk__in=gone).delete()
    queued = InboxDelivery.objects.filter(state=DeliveryState.QUEUED).only("pk", "inbox")
    InboxDelivery.objects.filter(
        pk__in=[row.pk for row in queued if _on_domain(host_of(row.inbox), domain)]
    ).update(state=DeliveryState.FAILED, last_error="blocked")
    audit_record(actor=actor, action="federation.block", target=block, label=domain)
    return block


@transaction.atomic
def domain_block_delete(*, actor: Actor, block: DomainBlock) -> None:
    require(actor, "federation.delete_domainblock", action="unblock servers")
    audit_record(actor=actor, action="federation.unblock", target=block, label=block.domain)
    block.delete()
