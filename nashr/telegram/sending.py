"""The sending engine: each channel's queue, in order, every post's state committed.

States. A post is 'queued' until a worker takes it; the worker commits 'sending' (one
more attempt) before its first request leaves, commits each message id Telegram answers
with as it comes (a full text is several messages), and commits 'sent' after the last.
So a post is 'sending' whenever a request of it may have reached Telegram without its
answer being recorded, and a worker has at most one post 'sending' at a time.

Crash bound. A worker killed with SIGKILL leaves at most one post 'sending'; the next
worker to take the channel finds it, marks it "possibly duplicated" and goes on from the
first part without a recorded id: the one message whose answer was lost may be posted
twice, nothing else is posted again and nothing is lost. Edits and deletions done again
change nothing ("message is not modified", "message to delete not found" count as done).

One worker per channel. A worker takes a channel with a lease (`Channel.claimed_by`,
`claimed_until`, renewed while it works): another worker passes it by, unless the lease
ran out or its holder is a process on this machine that is gone (as the delivery
engine's senders tell it: nashr.delivery.sending_rows). So a channel's posts go out one
at a time, in the order they were queued.

Telegram's limits. At most one request a channel every NASHR_TELEGRAM_INTERVAL seconds
(Telegram allows about 20 messages a minute in one channel). A 429 answer's retry_after
is waited out before the next request to the channel; a 5xx answer or a network error
puts the post back with a delay that doubles with each attempt (NASHR_TELEGRAM_RETRY_BASE,
up to NASHR_TELEGRAM_MAX_ATTEMPTS attempts); a post Telegram refuses as it is (it would
fail the same way again) fails alone; an answer that says the channel is out of reach
(not found, the bot removed, a wrong token) stops the channel, which keeps its queue
until an administrator starts it again. Later posts of a channel wait for the one in
front (their order is the channel's).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.bulletins.rendering import bulletin_pdf
from nashr.delivery.sending_rows import process_alive, this_host, this_place
from nashr.publications.models import Publication, Status
from nashr.telegram.client import BotClient, BotError, Problem, configured, redact
from nashr.telegram.models import Channel, Post, PostAction, PostMode, PostState
from nashr.telegram.text import Message, bulletin_message, publication_message

logger = logging.getLogger(__name__)

UNFINISHED = (PostState.QUEUED, PostState.SENDING)
MAX_DELAY = 6 * 3600  # seconds: a Bot API down for a day still gets a try every six hours


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    recovered: int = 0  # found 'sending' after a crash and sent again
    stopped: int = 0  # channels stopped in this run
    waiting: int = 0  # posts left for later (a retry not due yet, a channel taken)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def holder_key() -> str:
    """This process, as a channel's lease names it: host, place and process id."""
    return f"{this_host()}|{this_place()}|{os.getpid()}"


def _holder_gone(key: str) -> bool:
    host, _sep, rest = key.partition("|")
    place, _sep, pid = rest.rpartition("|")
    here = host == this_host() and place and place == this_place()
    return bool(here and pid.isdigit() and not process_alive(int(pid)))


def channel_claim(channel_id: int, key: str) -> bool:
    """Take the channel's lease for `key`; False while another live worker holds it."""
    now = timezone.now()
    until = now + dt.timedelta(seconds=settings.NASHR_TELEGRAM_LEASE_SECONDS)
    free = Q(claimed_by="") | Q(claimed_by=key) | Q(claimed_until__lt=now)
    channel = Channel.objects.filter(pk=channel_id, stopped=False)
    if channel.filter(free).update(claimed_by=key, claimed_until=until):
        return True
    holder = channel.values_list("claimed_by", flat=True).first()
    if holder and _holder_gone(holder):
        return bool(channel.filter(claimed_by=holder).update(claimed_by=key, claimed_until=until))
    return False


def channel_release(channel_id: int, key: str) -> None:
    Channel.objects.filter(pk=channel_id, claimed_by=key).update(claimed_by="", claimed_until=None)


def channel_stop(channel_id: int, error: str) -> None:
    """Stop a channel Telegram refused for good, keeping its queue."""
    Channel.objects.filter(pk=channel_id).update(stopped=True, last_error=redact(error))


def retry_at(attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again a post whose `attempts`-th attempt failed for a while, or None."""
    if attempts >= settings.NASHR_TELEGRAM_MAX_ATTEMPTS:
        return None
    delay = min(settings.NASHR_TELEGRAM_RETRY_BASE * 2 ** (attempts - 1), MAX_DELAY)
    return now + dt.timedelta(seconds=delay)


def posts_send(*, max_wait: float | None = None) -> tuple[SendSummary, dt.datetime | None]:
    """Send what every channel has queued; the summary, and when posts left waiting are due.

    A wait shorter than `max_wait` seconds (NASHR_TELEGRAM_MAX_WAIT) is waited out here;
    a longer one ends the channel's turn.
    """
    summary = SendSummary()
    if not configured():
        return summary, None
    wait_limit = settings.NASHR_TELEGRAM_MAX_WAIT if max_wait is None else max_wait
    key = holder_key()
    next_due: dt.datetime | None = None
    channel_ids = set(
        Post.objects.filter(state__in=UNFINISHED, channel__stopped=False)
        .order_by()
        .values_list("channel_id", flat=True)
        .distinct()
    )
    if not channel_ids:
        return summary, None
    with BotClient() as bot:
        for channel_id in sorted(channel_ids):
            if not channel_claim(channel_id, key):
                summary.waiting += 1
                continue
            try:
                due = _Channel(bot, channel_id, key, summary, wait_limit).drain()
            finally:
                channel_release(channel_id, key)
            if due is not None and (next_due is None or due < next_due):
                next_due = due
    return summary, next_due


class _Channel:
    """One channel's turn: its queue, in order, until it is empty or must wait."""

    def __init__(
        self, bot: BotClient, channel_id: int, key: str, summary: SendSummary, wait_limit: float
    ) -> None:
        self.bot = bot
        self.channel = Channel.objects.get(pk=channel_id)
        self.key = key
        self.summary = summary
        self.wait_limit = wait_limit
        self.last_request = 0.0
        self.lease_renewed = time.monotonic()

    def drain(self) -> dt.datetime | None:
        """Send until the queue is empty (None) or the next post is due later (its time)."""
        while True:
            post = self.channel.posts.filter(state__in=UNFINISHED).order_by("id").first()
            if post is None:
                return None
            wait = (post.next_attempt_at - timezone.now()).total_seconds()
            if wait > 0:
                if wait > self.wait_limit:
                    return post.next_attempt_at
                time.sleep(wait)
            if not self.send(post):
                return None

    def renew(self) -> None:
        """Keep the lease while working (every third of its length)."""
        seconds = settings.NASHR_TELEGRAM_LEASE_SECONDS
        if time.monotonic() - self.lease_renewed > seconds / 3:
            until = timezone.now() + dt.timedelta(seconds=seconds)
            Channel.objects.filter(pk=self.channel.pk, claimed_by=self.key).update(
                claimed_until=until
            )
            self.lease_renewed = time.monotonic()

    def pace(self) -> None:
        """At most one request every NASHR_TELEGRAM_INTERVAL seconds in this channel."""
        gap = settings.NASHR_TELEGRAM_INTERVAL - (time.monotonic() - self.last_request)
        if gap > 0:
            time.sleep(gap)
        self.last_request = time.monotonic()

    def send(self, post: Post) -> bool:
        """Do one post; False when the channel was stopped."""
        self.renew()
        if post.state == PostState.SENDING:
            post.possibly_duplicated = post.action == PostAction.CREATE
            self.summary.recovered += 1
        post.state = PostState.SENDING
        post.attempts += 1
        post.save(update_fields=["state", "attempts", "possibly_duplicated"])
        try:
            self.perform(post)
        except BotError as error:
            return self.failed(post, error)
        except Exception as exc:  # a fault of this side: this post fails, the queue goes on
            logger.exception("Telegram post %s could not be made", post.pk)
            post.state = PostState.FAILED
            post.last_error = redact(f"{type(exc).__name__}: {exc}")
            post.save(update_fields=["state", "last_error"])
            self.summary.failed += 1
            return True
        post.state = PostState.SENT
        post.sent_at = timezone.now()
        post.last_error = ""
        post.save(
            update_fields=["state", "sent_at", "last_error", "message_ids", "document_sha256"]
        )
        self.summary.sent += 1
        return True

    def failed(self, post: Post, error: BotError) -> bool:
        now = timezone.now()
        post.last_error = error.description
        fields = ["state", "last_error", "attempts", "next_attempt_at"]
        if error.problem == Problem.CHANNEL:
            post.state = PostState.QUEUED
            post.attempts -= 1  # the channel's fault, not the post's
            post.save(update_fields=fields)
            channel_stop(self.channel.pk, error.description)
            self.summary.stopped += 1
            return False
        if error.problem == Problem.WAIT:
            post.state = PostState.QUEUED
            post.attempts -= 1
            post.next_attempt_at = now + dt.timedelta(seconds=max(error.retry_after, 1))
        elif error.problem == Problem.TEMPORARY and (later := retry_at(post.attempts, now)):
            post.state = PostState.QUEUED
            post.next_attempt_at = later
        else:
            post.state = PostState.FAILED
            self.summary.failed += 1
        post.save(update_fields=fields)
        return True

    # -- Doing a post --------------------------------------------------------------------

    def shown(self, post: Post) -> Post | None:
        """The post before this one whose messages the channel shows for its subject."""
        same = Q(publication_id=post.publication_id, bulletin_id=post.bulletin_id)
        before = (
            self.channel.posts.filter(same, state=PostState.SENT, id__lt=post.id)
            .order_by("-id")
            .first()
        )
        return None if before is None or before.action == PostAction.DELETE else before

    def message(self, post: Post) -> Message | None:
        """What the post shows now; None for a subject no longer published."""
        if post.publication_id is not None:
            publication = Publication.objects.filter(
                pk=post.publication_id, status=Status.PUBLISHED
            ).first()
            return publication_message(self.channel, publication) if publication else None
        bulletin = (
            Bulletin.objects.select_related("series")
            .filter(pk=int(post.bulletin_id or 0), status=BulletinStatus.PUBLISHED)
            .first()
        )
        if bulletin is None:
            return None
        pdf = bulletin_pdf(bulletin=bulletin) if self.channel.post_mode == PostMode.PDF else None
        return bulletin_message(self.channel, bulletin, pdf)

    def record(self, post: Post, message_id: int) -> None:
        """Commit one more message id of the post (a crash after it does not repeat it)."""
        post.message_ids = [*post.message_ids, message_id]
        post.save(update_fields=["message_ids"])
        self.renew()

    def perform(self, post: Post) -> None:
        chat = self.channel.chat
        shown = self.shown(post)
        old = [int(i) for i in shown.message_ids] if shown is not None else []
        if post.action == PostAction.DELETE:
            for message_id in old:
                self.pace()
                self.bot.delete(chat, message_id)
            post.message_ids = old
            return
        message = self.message(post)
        if message is None:
            return  # unpublished since it was queued: the post queued after it says so
        if post.action == PostAction.CREATE:
            old = []
        if message.document is not None:
            digest = hashlib.sha256(message.document).hexdigest()
            same_file = shown is not None and shown.document_sha256 == digest and len(old) == 1
            if not post.message_ids:
                self.pace()
                self.record(post, self.document(chat, message, old if same_file else []))
            post.document_sha256 = digest
            kept = post.message_ids
        else:
            for index, part in enumerate(message.parts):
                if index < len(post.message_ids):
                    continue  # sent before a crash or an error
                self.pace()
                self.record(post, self.edited_or_sent(chat, old, index, part))
            kept = post.message_ids
        for message_id in old:
            if message_id and message_id not in kept:
                self.pace()
                self.bot.delete(chat, message_id)

    def document(self, chat: str, message: Message, old: list[int]) -> int:
        """The document's message: the old one with its caption edited (the same file), or
        a new one (the old is deleted after)."""
        assert message.document is not None
        if old:
            try:
                self.bot.edit_caption(chat, old[0], message.parts[0])
                return old[0]
            except BotError as error:
                if error.problem not in {Problem.GONE, Problem.MESSAGE}:
                    raise
            self.pace()
        return self.bot.send_document(
            chat, message.document, filename=message.filename, caption=message.parts[0]
        )

    def edited_or_sent(self, chat: str, old: list[int], index: int, part: str) -> int:
        if index < len(old):
            try:
                self.bot.edit_text(chat, old[index], part)
                return old[index]
            except BotError as error:
                # A message that is gone, or one that holds a document (the channel's mode
                # changed): the part is posted anew, and the old message deleted after.
                if error.problem not in {Problem.GONE, Problem.MESSAGE}:
                    raise
                if error.problem == Problem.GONE:
                    old[index] = 0
            self.pace()
        return self.bot.send_text(chat, part)
