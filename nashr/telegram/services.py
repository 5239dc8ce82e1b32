"""Linking channels, and queueing what each change of content means for them.

A change of a publication or an issue is announced on the change feed; the handler
(`posts_queue_for_changes`, registered in nashr/derived/handlers.py) runs inside the
announcing transaction and queues what the channels must do, so the queue is committed
with the change or not at all. For each channel and each thing it compares what the
channel should show (nothing, or content with a digest) with what its last post left:

- to be shown, not shown (or its last post failed): post it;
- shown, with another digest: edit it (a post still queued, never tried, just takes the
  new digest: it is rendered when it is sent);
- not to be shown any more (unpublished, deleted), shown: delete it (a post never tried
  is taken out of the queue instead).

Running it twice for one change queues nothing the second time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from nashr.audit.services import audit_record
from nashr.bulletins.models import Bulletin, BulletinStatus, Series
from nashr.core.actors import Actor, require
from nashr.core.changes import Changes, Topic
from nashr.core.exceptions import NotFound, StateError, ValidationError
from nashr.core.languages import codes
from nashr.publications.models import Publication, Status
from nashr.telegram.client import BotClient, configured
from nashr.telegram.models import Channel, LinkBase, Post, PostAction, PostMode, PostState
from nashr.telegram.tasks import send_posts
from nashr.telegram.text import escape

CHAT = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{5,20}")
MANAGE = ("telegram.add_channel", "telegram.change_channel")


def channel_link(
    *,
    actor: Actor,
    target: str,
    chat: str,
    post_mode: str | None = None,
    link_base: str | None = None,
) -> Channel:
    """Link a language (its code) or a bulletin series (its slug) to the channel `chat`.

    Linking it again changes the channel and what is posted, and starts a stopped channel;
    posts already in the channel are edited to follow a new mode or link base (links moved
    to the mirror when the site is blocked).
    """
    require(actor, *MANAGE, action="link Telegram channels")
    chat = chat.strip()
    if not CHAT.fullmatch(chat):
        raise ValidationError(
            f"“{chat}” is not a channel",
            where="channel",
            hint="give its public name with an @ (@my_channel) or its numeric id (-1001234567890)",
        )
    series = None
    if target not in codes():
        series = Series.objects.filter(slug=target).first()
        if series is None:
            raise NotFound(
                f"“{target}” is neither a language of the site nor a bulletin series",
                where="LANGUAGE_OR_SERIES",
                hint=f"use one of the languages ({', '.join(codes())}) or a series' slug",
            )
    mode = post_mode or (PostMode.PDF if series is not None else PostMode.SUMMARY)
    if mode not in PostMode.values:
        raise ValidationError(
            f"unknown post mode “{mode}”", where="post", hint="use summary, full or pdf"
        )
    if mode == PostMode.PDF and series is None:
        raise ValidationError(
            "only a bulletin series' issues are posted as PDF",
            where="post",
            hint="use summary or full for a language",
        )
    if link_base is not None and link_base not in LinkBase.values:
        raise ValidationError(
            f"unknown link base “{link_base}”", where="links", hint="use site or mirror"
        )
    with transaction.atomic():
        lookup: dict[str, Any] = (
            {"series": series} if series is not None else {"language": target, "series": None}
        )
        channel = Channel.objects.select_for_update().filter(**lookup).first() or Channel(**lookup)
        channel.chat = chat
        changed = channel.pk is not None and (
            (channel.post_mode, channel.link_base) != (mode, link_base or channel.link_base)
        )
        channel.post_mode = mode
        if link_base is not None:
            channel.link_base = link_base
        channel.stopped = False
        channel.last_error = ""
        channel.save()
        if changed:
            _queue_again(channel)
        audit_record(
            actor=actor,
            action="telegram.link",
            target=channel,
            changes={"target": target, "channel": chat, "post": mode},
        )
    return channel


def channel_start(*, actor: Actor, channel: Channel) -> Channel:
    """Send to a stopped channel again (its queue is still there)."""
    require(actor, "telegram.change_channel", action="start Telegram channels")
    Channel.objects.filter(pk=channel.pk).update(stopped=False, last_error="")
    audit_record(actor=actor, action="telegram.start", target=channel)
    channel.refresh_from_db()
    transaction.on_commit(_send_soon)
    return channel


def channel_test(*, actor: Actor, channel: Channel, text: str) -> str:
    """Post `text` (plain) in the channel now; the channel's title. Raises `BotError` with
    Telegram's own description when the token is wrong or the bot may not post there."""
    require(actor, "telegram.change_channel", action="send test messages to Telegram channels")
    with BotClient() as bot:
        title = bot.check(channel.chat)
        bot.send_text(channel.chat, escape(text))
    return title


def publication_repost(*, actor: Actor, publication: Publication) -> list[Post]:
    """Queue a new post of a published publication in its language's channels."""
    require(actor, "publications.publish_publication", action="re-post publications")
    if publication.status != Status.PUBLISHED:
        raise StateError(
            f"“{publication}” is not published", hint="publish it first: it is posted then"
        )
    with transaction.atomic():
        channels = Channel.objects.filter(language=publication.language, series=None)
        posts = [
            Post.objects.create(
                channel=channel,
                publication_id=publication.pk,
                action=PostAction.CREATE,
                fingerprint=publication_digest(publication, channel),
            )
            for channel in channels
        ]
        if not posts:
            raise StateError(
                f"no Telegram channel is linked to the language “{publication.language}”",
                hint=f"link one: nashr telegram link {publication.language} @channel",
            )
        audit_record(actor=actor, action="telegram.repost", target=publication)
        transaction.on_commit(_send_soon)
    return posts


# -- What changes queue -----------------------------------------------------------------


def publication_digest(publication: Publication, channel: Channel) -> str:
    """What a channel shows of a publication, in short: its post changes when this does."""
    parts = [
        channel.post_mode,
        channel.link_base,
        publication.title,
        publication.summary,
        publication.body_html,
        publication.slug,
        publication.shown_date().isoformat(),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def bulletin_digest(bulletin: Bulletin, channel: Channel) -> str:
    parts = [
        channel.post_mode,
        channel.link_base,
        str(bulletin.number),
        str(bulletin.edition),
        bulletin.editorial_title,
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def posts_queue_for_changes(changes: Changes) -> None:
    """The change feed's handler (with the change): queue posts, edits and deletions."""
    publication_ids = changes[Topic.PUBLICATIONS]
    bulletin_ids = changes[Topic.BULLETINS]
    if publication_ids:
        _queue_publications(sorted(publication_ids))
    if bulletin_ids:
        _queue_bulletins(sorted(bulletin_ids))


def _last_posts(field: str, ids: Iterable[int]) -> dict[tuple[int, int], Post]:
    """The last post that did not fail, by (channel, thing), of the things `ids`."""
    last: dict[tuple[int, int], Post] = {}
    rows = Post.objects.filter(**{f"{field}__in": list(ids)}).exclude(state=PostState.FAILED)
    for post in rows.order_by("id"):
        last[(post.channel_id, getattr(post, field))] = post
    return last


def _queue_publications(ids: list[int]) -> None:
    channels = {c.language: c for c in Channel.objects.filter(series=None)}
    if not channels and not Post.objects.filter(publication_id__in=ids).exists():
        return
    last = _last_posts("publication_id", ids)
    publications = Publication.objects.filter(pk__in=ids).order_by("published_at", "pk")
    shown: dict[tuple[int, int], str] = {}
    for publication in publications:
        channel = channels.get(publication.language)
        if channel is not None and publication.status == Status.PUBLISHED:
            shown[(channel.pk, publication.pk)] = publication_digest(publication, channel)
    targets = list(shown) + [key for key in last if key not in shown]
    for channel_id, pk in targets:
        _queue_one(
            channel_id,
            "publication_id",
            pk,
            last.get((channel_id, pk)),
            shown.get((channel_id, pk)),
        )


def _queue_bulletins(ids: list[int]) -> None:
    channels = {c.series_id: c for c in Channel.objects.filter(series__isnull=False)}
    if not channels and not Post.objects.filter(bulletin_id__in=ids).exists():
        return
    last = _last_posts("bulletin_id", ids)
    shown: dict[tuple[int, int], str] = {}
    for bulletin in Bulletin.objects.filter(pk__in=ids).order_by("published_at", "pk"):
        channel = channels.get(bulletin.series_id)
        if channel is not None and bulletin.status == BulletinStatus.PUBLISHED:
            shown[(channel.pk, bulletin.pk)] = bulletin_digest(bulletin, channel)
    targets = list(shown) + [key for key in last if key not in shown]
    for channel_id, pk in targets:
        _queue_one(
            channel_id, "bulletin_id", pk, last.get((channel_id, pk)), shown.get((channel_id, pk))
        )


def _queue_again(channel: Channel) -> None:
    """Queue the edits that bring the channel's posts to its new mode or link base."""
    posts = channel.posts.exclude(state=PostState.FAILED)
    subjects = set(posts.values_list("publication_id", "bulletin_id"))
    publication_ids = {publication for publication, _bulletin in subjects if publication}
    bulletin_ids = {bulletin for _publication, bulletin in subjects if bulletin}
    if publication_ids:
        _queue_publications(sorted(publication_ids))
    if bulletin_ids:
        _queue_bulletins(sorted(bulletin_ids))
    transaction.on_commit(_send_soon)


def _untried(post: Post) -> Q:
    return Q(pk=post.pk, state=PostState.QUEUED, attempts=0)


def _queue_one(channel_id: int, field: str, pk: int, last: Post | None, digest: str | None) -> None:
    posted = last is not None and last.action != PostAction.DELETE
    new = {"channel_id": channel_id, field: pk}
    if digest is not None:
        if not posted:
            Post.objects.create(**new, action=PostAction.CREATE, fingerprint=digest)
        # A post never tried is rendered when it is sent: the new digest is enough.
        elif (
            last is not None
            and last.fingerprint != digest
            and not Post.objects.filter(_untried(last)).update(fingerprint=digest)
        ):
            Post.objects.create(**new, action=PostAction.EDIT, fingerprint=digest)
    elif posted and last is not None:
        if last.action == PostAction.CREATE and Post.objects.filter(_untried(last)).delete()[0]:
            return  # it never reached the channel
        Post.objects.create(**new, action=PostAction.DELETE)


def _send_soon() -> None:
    if configured():
        send_posts.enqueue()


def posts_send_after_commit(changes: Changes) -> None:
    """The change feed's handler (after the commit): have the worker send what is queued."""
    _send_soon()
