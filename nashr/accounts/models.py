"""Staff accounts: the record of failed logins that slows password guessing down."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginThrottle(models.Model):
    """Failed logins from one address (``address:…``) or for one user name at one address
    (``address-user:…``); the rest of the key is a keyed hash (``nashr.core.clients``), so
    the table names no address and no user name.

    Kept in the database rather than the cache so that every worker process sees the
    same count: a per-process count would multiply the guesses an attacker gets.
    """

    key = models.CharField(_("key"), max_length=100, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    first_failure_at = models.DateTimeField(_("first failure at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
