"""Abstract bases shared by the apps, and the rate limits' counts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RateCount(models.Model):
    """Attempts counted under one key in its current fixed window (nashr.core.ratelimit).

    The key is a keyed hash: the table names no client address and no email address.
    A row whose window ended is counted from one again by the next attempt, and deleted
    by `nashr ratelimits purge` (daily, deploy/nashr-purge.service).
    """

    key = models.CharField(_("key"), max_length=80, primary_key=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    window_ends_at = models.DateTimeField(_("window ends at"), db_index=True)

    class Meta:
        verbose_name = _("rate count")
        verbose_name_plural = _("rate counts")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
