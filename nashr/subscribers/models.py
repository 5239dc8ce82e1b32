"""Subscribers, the lists (series) they are on, and their consent.

Only what mailing needs is stored: the address, its interface language, the lists, the
status and the dates of consent and confirmation. No IP address, no opens, no clicks.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nashr.bulletins.models import Series
from nashr.core.languages import default_language, language_choices


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Bounced")


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Subscriber(models.Model):
    """One address. It is mailed only while confirmed; bounced addresses are never mailed."""

    # Stored lower-cased, so that one address is one subscriber however it was typed.
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    language = models.CharField(
        _("interface language"), max_length=8, choices=language_choices, default=default_language
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
    )
    consented_at = models.DateTimeField(_("consent given at"))
    # Empty when the reader subscribed on the site (or came with an import) and confirmed
    # by the mailed link; "added by staff member <username>, ..." when added by hand.
    consent_basis = models.CharField(_("basis of consent"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Permanent failures (5xx answers and bounce reports) since the address was confirmed.
    hard_bounces = models.PositiveIntegerField(_("hard bounces"), default=0)
    series: models.ManyToManyField[Series, Subscription] = models.ManyToManyField(
        Series, through="Subscription", related_name="subscribers", verbose_name=_("lists")
    )

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    """A subscriber on the list of one series (so in one language)."""

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("subscriber"),
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("series")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    consented_at = models.DateTimeField(_("consent given at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["subscriber", "series"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "series"], name="subscription_unique_per_series"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="subscription_confirmed_has_date",
            ),
        ]
        # Queueing an issue reads a series' confirmed subscriptions in ranges of subscriber ids.
        indexes = [
            models.Index(fields=["series", "status", "subscriber"], name="subscription_queue")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.series}"


class MailToken(models.Model):
    """A one-time token mailed to an address that asked by mail for a list (the list address).

    A reply from that very address carrying the token confirms the list, once: the token is
    then marked used, so a replayed reply changes nothing. Only its SHA-256 is stored, so
    the table alone confirms nobody.
    """

    digest = models.CharField(_("token digest"), max_length=64, unique=True)
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="mail_tokens",
        verbose_name=_("subscriber"),
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="+", verbose_name=_("series")
    )
    created_at = models.DateTimeField(_("token mailed at"))
    used_at = models.DateTimeField(_("token used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("confirmation by mail")
        verbose_name_plural = _("confirmations by mail")

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.series}"
