"""What an import remembers of the other system, so that a second run adds only what is new."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nashr.publications.models import Publication


class ImportedItem(models.Model):
    """Which publication an item of another system became: a second import matches on it."""

    source = models.CharField(_("imported from"), max_length=32)
    source_id = models.CharField(_("id in the old system"), max_length=200)
    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="imported_items",
        verbose_name=_("publication"),
    )

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="imported_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"
