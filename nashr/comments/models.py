"""Readers' comments under a publication: pseudonymous, moderated, no address stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nashr.publications.models import Publication


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    SPAM = "spam", _("Spam")
    REMOVED = "removed", _("Removed")


class Comment(models.Model):
    """One comment (or a reply to one) under one language version of a publication."""

    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("publication"),
    )
    # One level of replies: a reply's parent is never itself a reply.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    name = models.CharField(_("name"), max_length=80)
    body = models.TextField(_("comment"))
    # The language the comment is written in when known ("" = unknown: dir="auto" decides).
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    # Kept only while the commenter wants to hear of replies; never shown.
    email = models.EmailField(_("email"), blank=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    # Keyed hashes: the same commenter is recognised (trust, blocks) without storing who.
    email_hash = models.CharField(_("email hash"), max_length=64, blank=True, db_index=True)
    address_hash = models.CharField(_("address hash"), max_length=64, blank=True)
    # A reply written by staff is shown as the organization's.
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by staff member"),
    )
    created_at = models.DateTimeField(_("written at"), db_index=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    # Where an imported comment came from ("wordpress", "drupal7", ...) and its id there;
    # a second import matches on the pair and duplicates nothing.
    source = models.CharField(_("imported from"), max_length=32, blank=True)
    legacy_id = models.CharField(_("id in the old system"), max_length=64, blank=True)
    # Why a comment waits for a moderator ("every comment held", "no proof of work",
    # "pattern: ..."), so the queue says what to look at; "" for one shown at once.
    held_reason = models.CharField(_("why held"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "legacy_id"],
                condition=~Q(source=""),
                name="comment_one_per_legacy_id",
            ),
        ]
        indexes = [
            models.Index(fields=["publication", "status", "created_at"], name="comment_page_idx"),
        ]
        permissions = [("moderate_comment", _("Can moderate comments"))]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:40]}"

    @property
    def name_language(self) -> str:
        """The language its name is written in, if known (see core.bidi.named)."""
        return self.language


class ModerationMode(models.TextChoices):
    ALL = "all", _("Hold every comment")
    FIRST = "first", _("Hold a new commenter's first comments")
    NONE = "none", _("Hold none (the checks still hold suspicious ones)")


class CommentPolicy(models.Model):
    """How one publication departs from the site's comment settings."""

    publication = models.OneToOneField(
        Publication,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="comment_policy",
        verbose_name=_("publication"),
    )
    # "" follows the site setting NASHR_COMMENTS_MODERATION.
    moderation = models.CharField(
        _("moderation"), max_length=8, choices=ModerationMode.choices, blank=True
    )
    closed = models.BooleanField(_("comments closed"), default=False)
    # Drupal's "hidden": closed, and the comments already written are not shown either
    # (they are kept, and show again when the policy no longer hides them).
    hidden = models.BooleanField(
        _("comments hidden"),
        default=False,
        help_text=_("No comment is shown under the publication and none can be written."),
    )
    # None follows the site setting NASHR_COMMENTS_CLOSE_AFTER_DAYS; 0 never closes.
    close_after_days = models.PositiveIntegerField(_("close after days"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment policy")
        verbose_name_plural = _("comment policies")

    def __str__(self) -> str:
        return str(self.publication)

    @property
    def name_language(self) -> str:
        """The language its name is written in (see core.bidi.named)."""
        return self.publication.language


class PatternAction(models.TextChoices):
    HOLD = "hold", _("Hold for moderation")
    SPAM = "spam", _("Mark as spam")


class CommentPattern(models.Model):
    """A word or regular expression that holds (or files as spam) a comment it matches."""

    pattern = models.CharField(_("word or pattern"), max_length=200, unique=True)
    is_regex = models.BooleanField(_("regular expression"), default=False)
    action = models.CharField(
        _("action"), max_length=8, choices=PatternAction.choices, default=PatternAction.HOLD
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["pattern"]
        verbose_name = _("comment pattern")
        verbose_name_plural = _("comment patterns")

    def __str__(self) -> str:
        return self.pattern


class CommentBlock(models.Model):
    """A commenter whose comments go straight to spam, known by a keyed hash only.

    An address hash rotates daily (no address is ever stored), so a block by address
    lasts the rest of that day; a block by email hash lasts until it is deleted.
    """

    email_hash = models.CharField(_("email hash"), max_length=64, blank=True, db_index=True)
    address_hash = models.CharField(_("address hash"), max_length=64, blank=True, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("blocked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("blocked commenter")
        verbose_name_plural = _("blocked commenters")
        constraints = [
            models.CheckConstraint(
                condition=~Q(email_hash="") | ~Q(address_hash=""),
                name="comment_block_has_hash",
            ),
        ]

    def __str__(self) -> str:
        return self.note or (self.email_hash or self.address_hash)[:12]
