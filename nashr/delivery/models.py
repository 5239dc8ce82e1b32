"""One row per (issue, subscriber): the state of that one message, committed as it changes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nashr.bulletins.models import Bulletin
from nashr.subscribers.models import Subscriber


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Handed to a worker; the message may be inside an SMTP transaction right now.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")


class Delivery(models.Model):
    # Indexed by delivery_bulletin_order and delivery_one_per_recipient, which start with it:
    # an index of its own would only cost every queued row one more entry.
    bulletin = models.ForeignKey(
        Bulletin,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("issue"),
        db_index=False,
    )
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscriber"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Random, drawn when the row is queued (see message.py): a bounce report that quotes it
    # answers this message. One row per issue and subscriber, so a resent message keeps it.
    # Unique by a constraint (delivery_unique_message_id), not unique=True: on PostgreSQL
    # that would add a second index for LIKE searches, which nothing makes.
    message_id = models.CharField(_("Message-ID"), max_length=255)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # The sending process that leased the row or holds it in 'sending' (see engine.py).
    claimed_by = models.BigIntegerField(_("claimed by"), null=True, blank=True, editable=False)
    # Found in 'sending' after a crash and sent again: the reader may have it twice.
    possibly_duplicated = models.BooleanField(_("possibly duplicated"), default=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["bulletin", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "subscriber"], name="delivery_one_per_recipient"
            ),
            models.UniqueConstraint(fields=["message_id"], name="delivery_unique_message_id"),
        ]
        # Leases scan an issue's rows in id order. No index holds `state`, so a state change
        # rewrites one table row and no index entry (PostgreSQL can make it a HOT update).
        indexes = [models.Index(fields=["bulletin", "id"], name="delivery_bulletin_order")]

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.subscriber_id} ({self.state})"


class SenderLease(models.Model):
    """A sending process at work on PostgreSQL, renewed while it lives (sending_rows.py).

    Several machines may send one issue: a sender whose lease has expired (by the
    database's clock, so the machines' clocks do not matter) is dead, and its leased and
    'sending' rows are taken over by the others.
    """

    key = models.BigIntegerField(_("key"), primary_key=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    # Where `pid` names this process: the kernel's boot id and the process id namespace.
    # On the same host and place, a vanished process is known dead before its lease ends.
    place = models.CharField(_("place"), max_length=128)
    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="+", verbose_name=_("issue")
    )
    started_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("sender lease")
        verbose_name_plural = _("sender leases")

    def __str__(self) -> str:
        return f"sender {self.key} on {self.host} (pid {self.pid})"


class Sending(Bulletin):
    """A published issue seen from the side of its delivery (admin: queue it, follow it)."""

    class Meta:
        proxy = True
        verbose_name = _("sending")
        verbose_name_plural = _("sendings")
        permissions = [("send_bulletin", _("Can send an issue to its subscribers"))]
