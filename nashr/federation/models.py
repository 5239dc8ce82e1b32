"""The fediverse: each site language an actor, its followers, what was sent to them.

Every row here exists only while ``NASHR_FEDERATION`` is on; turning it off stops the
endpoints and the deliveries and leaves the rows as they are.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActorKey(models.Model):
    """The RSA key pair of one language's actor; the private half is never shown."""

    language = models.CharField(_("language"), max_length=8, unique=True)
    public_key_pem = models.TextField(_("public key"), editable=False)
    private_key_pem = models.TextField(_("private key"), editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("actor key")
        verbose_name_plural = _("actor keys")

    def __str__(self) -> str:
        return self.language


class Follower(models.Model):
    """A remote account that follows one language's actor."""

    language = models.CharField(_("language"), max_length=8)
    actor_id = models.URLField(_("actor"), max_length=500)
    handle = models.CharField(_("handle"), max_length=300, blank=True)
    host = models.CharField(_("host"), max_length=255, db_index=True)
    inbox = models.URLField(_("inbox"), max_length=500)
    shared_inbox = models.URLField(_("shared inbox"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("following since"), default=timezone.now)

    class Meta:
        ordering = ["language", "handle"]
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "actor_id"], name="federation_follower_once"
            ),
        ]

    def __str__(self) -> str:
        return self.handle or self.actor_id

    @property
    def delivery_inbox(self) -> str:
        """Where activities for this follower go: its server's shared inbox when it has one."""
        return self.shared_inbox or self.inbox


class DomainBlock(models.Model):
    """A server whose requests are refused and to which nothing is sent."""

    domain = models.CharField(
        _("domain"),
        max_length=255,
        unique=True,
        help_text=_("A host name such as spam.example; its subdomains are blocked too."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("blocked at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("blocked domain")
        verbose_name_plural = _("blocked domains")

    def __str__(self) -> str:
        return self.domain


class RemoteKey(models.Model):
    """A remote actor's public key as fetched from its key id, with where it receives."""

    key_id = models.URLField(_("key id"), max_length=500, unique=True)
    actor_id = models.URLField(_("actor"), max_length=500)
    handle = models.CharField(_("handle"), max_length=300, blank=True)
    inbox = models.URLField(_("inbox"), max_length=500, blank=True)
    shared_inbox = models.URLField(_("shared inbox"), max_length=500, blank=True)
    public_key_pem = models.TextField(_("public key"))
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now)

    class Meta:
        verbose_name = _("remote key")
        verbose_name_plural = _("remote keys")

    def __str__(self) -> str:
        return self.key_id


class PostState(models.TextChoices):
    LIVE = "live", _("Sent")
    DELETED = "deleted", _("Deleted")


class FederatedPost(models.Model):
    """What the fediverse was last told of one publication (an id, not a foreign key:
    the publication may be deleted, and its Delete must still be sent)."""

    publication_id = models.PositiveBigIntegerField(_("publication"), unique=True)
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(_("state"), max_length=8, choices=PostState.choices)
    # A hash of the Article last sent: a save that changes nothing sent sends no Update.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("federated publication")
        verbose_name_plural = _("federated publications")

    def __str__(self) -> str:
        return f"{self.publication_id} ({self.state})"


class Activity(models.Model):
    """One activity sent by one of the actors (Create, Update, Delete, Accept), stored
    whole: every inbox it goes to receives these very bytes, signed per request."""

    language = models.CharField(_("language"), max_length=8)
    kind = models.CharField(_("type"), max_length=16)
    document = models.JSONField(_("document"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # The request may be on its way: found so after a crash, it is sent again.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class InboxDelivery(models.Model):
    """One activity to one inbox: its state, committed before and after each request."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("activity")
    )
    inbox = models.URLField(_("inbox"), max_length=500)
    state = models.CharField(
        _("state"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    started_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    possibly_duplicated = models.BooleanField(_("possibly duplicated"), default=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("inbox delivery")
        verbose_name_plural = _("inbox deliveries")
        constraints = [
            models.UniqueConstraint(fields=["activity", "inbox"], name="federation_inbox_once"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="federation_due")]

    def __str__(self) -> str:
        return f"{self.activity} → {self.inbox} ({self.state})"


class InboxFailure(models.Model):
    """An inbox that has failed since `since`: dropped with its followers after days."""

    inbox = models.URLField(_("inbox"), max_length=500, unique=True)
    since = models.DateTimeField(_("failing since"))

    class Meta:
        verbose_name = _("failing inbox")
        verbose_name_plural = _("failing inboxes")

    def __str__(self) -> str:
        return self.inbox


class ReactionKind(models.TextChoices):
    LIKE = "like", _("Like")
    ANNOUNCE = "announce", _("Boost")


class Reaction(models.Model):
    """A like or a boost of a publication: counted, nothing more."""

    publication_id = models.PositiveBigIntegerField(_("publication"), db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=ReactionKind.choices)
    actor_id = models.URLField(_("actor"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["publication_id", "kind", "actor_id"], name="federation_reaction_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.publication_id}"
