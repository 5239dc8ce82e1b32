"""Reads: where a publication was posted, and how each channel's queue stands."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Min, Q
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from nashr.publications.models import Publication
from nashr.telegram.models import Channel, Post, PostState


def message_link(chat: str, message_id: int) -> str:
    """The address of a message: t.me/name/id for a public channel, t.me/c/… for a private one."""
    chat = chat.strip()
    if chat.startswith("@"):
        return f"https://t.me/{chat[1:]}/{message_id}"
    return f"https://t.me/c/{chat.removeprefix('-100').lstrip('-')}/{message_id}"


def publication_posts(*, publication_id: int) -> list[Post]:
    """The publication's posts in every channel, the newest first."""
    return list(
        Post.objects.filter(publication_id=publication_id).select_related("channel").order_by("-id")
    )


def publication_posts_section(publication: Publication) -> tuple[str, SafeString] | None:
    """The "Telegram" part of the publication's admin page: where it was posted, or why not."""
    posts = publication_posts(publication_id=publication.pk)
    channel = Channel.objects.filter(language=publication.language, series=None).first()
    if not posts and channel is None:
        return None
    rows = [
        {
            "post": post,
            "links": [message_link(post.channel.chat, int(i)) for i in post.message_ids],
        }
        for post in posts
    ]
    html = render_to_string(
        "telegram/publication_posts.html",
        {"rows": rows, "channel": channel, "publication": publication},
    )
    return _("Telegram"), SafeString(html)


def channels_status() -> list[dict[str, Any]]:
    """Each channel with its queue: counts by state, the oldest waiting, the last error."""
    channels = Channel.objects.select_related("series").annotate(
        queued=Count("posts", filter=Q(posts__state=PostState.QUEUED)),
        sending=Count("posts", filter=Q(posts__state=PostState.SENDING)),
        sent=Count("posts", filter=Q(posts__state=PostState.SENT)),
        failed=Count("posts", filter=Q(posts__state=PostState.FAILED)),
        duplicated=Count("posts", filter=Q(posts__possibly_duplicated=True)),
        oldest_waiting=Min(
            "posts__created_at",
            filter=Q(posts__state__in=[PostState.QUEUED, PostState.SENDING]),
        ),
        last_sent=Max("posts__sent_at"),
    )
    status = []
    for channel in channels.order_by("id"):
        errors = list(
            channel.posts.filter(state=PostState.FAILED)
            .order_by("-id")
            .values("id", "publication_id", "bulletin_id", "last_error")[:5]
        )
        status.append(
            {
                "id": channel.pk,
                "channel": channel.chat,
                "language": channel.language or None,
                "series": channel.series.slug if channel.series else None,
                "post": channel.post_mode,
                "links": channel.link_base,
                "stopped": channel.stopped,
                "last_error": channel.last_error,
                "queued": channel.queued,
                "sending": channel.sending,
                "sent": channel.sent,
                "failed": channel.failed,
                "possibly_duplicated": channel.duplicated,
                "oldest_waiting": _iso(channel.oldest_waiting),
                "last_sent": _iso(channel.last_sent),
                "recent_failures": errors,
            }
        )
    return status


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
