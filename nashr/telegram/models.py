"""Telegram channels linked to a language or a bulletin series, and one row per post.

The bot's token is not here: it is read from the environment (NASHR_TELEGRAM_BOT_TOKEN)
by the one client that talks to the Bot API (client.py), and never stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nashr.bulletins.models import Series
from nashr.core.languages import language_choices


class PostMode(models.TextChoices):
    SUMMARY = "summary", _("Title, summary and link")
    FULL = "full", _("Full text, split at paragraphs")
    PDF = "pdf", _("Bulletin issues as their PDF")


class LinkBase(models.TextChoices):
    SITE = "site", _("The site")
    MIRROR = "mirror", _("The static mirror")


class Channel(models.Model):
    """A channel that receives the publications of one language, or one series' issues."""

    language = models.CharField(_("language"), max_length=8, blank=True, choices=language_choices)
    series = models.OneToOneField(
        Series,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bulletin series"),
    )
    chat = models.CharField(
        _("channel"),
        max_length=64,
        help_text=_("The channel's public name (@name) or its numeric id (-100…)."),
    )
    post_mode = models.CharField(
        _("what is posted"), max_length=8, choices=PostMode.choices, default=PostMode.SUMMARY
    )
    link_base = models.CharField(
        _("links point at"), max_length=8, choices=LinkBase.choices, default=LinkBase.SITE
    )
    # Set when Telegram refused the channel for good (not found, bot removed, wrong token):
    # nothing is sent to it until an administrator starts it again; its queue is kept.
    stopped = models.BooleanField(_("stopped"), default=False)
    last_error = models.TextField(_("last error"), blank=True)
    # The sending process working on the channel's queue, and until when (sending.py).
    claimed_by = models.CharField(_("claimed by"), max_length=255, blank=True, editable=False)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["language", "id"]
        verbose_name = _("Telegram channel")
        verbose_name_plural = _("Telegram channels")
        constraints = [
            models.CheckConstraint(
                condition=(Q(language="") & Q(series__isnull=False))
                | (~Q(language="") & Q(series__isnull=True)),
                name="telegram_channel_language_or_series",
                violation_error_message=_("Choose a language or a bulletin series, not both."),
            ),
            models.UniqueConstraint(
                fields=["language"],
                condition=~Q(language=""),
                name="telegram_channel_one_per_language",
                violation_error_message=_("This language has a channel already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chat} ({self.series or self.language})"


class PostAction(models.TextChoices):
    CREATE = "create", _("Post")
    EDIT = "edit", _("Edit")
    DELETE = "delete", _("Delete")


class PostState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # The request may be on its way to Telegram right now (or was, when a worker died).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Post(models.Model):
    """One thing to do in a channel for a publication or a bulletin issue, in queue order.

    The ids are plain numbers, not foreign keys: the post that deletes a deleted
    publication's messages outlives the publication.
    """

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="posts", verbose_name=_("channel")
    )
    publication_id = models.BigIntegerField(_("publication"), null=True, blank=True)
    bulletin_id = models.BigIntegerField(_("bulletin issue"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=PostAction.choices)
    state = models.CharField(
        _("state"), max_length=8, choices=PostState.choices, default=PostState.QUEUED
    )
    # A digest of the text (and file) this post shows: an edit that changes nothing a
    # reader sees in the channel queues nothing.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    # Telegram's ids of the messages this post left in the channel, in order (one per part).
    message_ids = models.JSONField(_("message ids"), default=list, blank=True)
    # The SHA-256 of the document posted (a bulletin's PDF): an edit that leaves it as it
    # was changes the caption alone.
    document_sha256 = models.CharField(_("document's SHA-256"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    # Found in 'sending' after a crash and sent again: the channel may show it twice.
    possibly_duplicated = models.BooleanField(_("possibly duplicated"), default=False)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["channel", "id"]
        verbose_name = _("Telegram post")
        verbose_name_plural = _("Telegram posts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(publication_id__isnull=False) & Q(bulletin_id__isnull=True))
                | (Q(publication_id__isnull=True) & Q(bulletin_id__isnull=False)),
                name="telegram_post_publication_or_bulletin",
            ),
        ]
        indexes = [
            models.Index(fields=["channel", "state", "id"], name="telegram_post_queue"),
            models.Index(fields=["publication_id"], name="telegram_post_publication"),
            models.Index(fields=["bulletin_id"], name="telegram_post_bulletin"),
        ]

    def __str__(self) -> str:
        if self.publication_id is not None:
            target = f"publication {self.publication_id}"
        else:
            target = f"bulletin {self.bulletin_id}"
        return f"{self.get_action_display()} {target} → {self.channel.chat} ({self.state})"
