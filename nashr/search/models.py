"""The search index: one entry per published publication, its text already normalized.

The entry is the one store both databases search. On SQLite an FTS5 table indexes it
(external content, kept in step by triggers); on PostgreSQL a stored, generated
``tsvector`` column with a GIN index does. Both are created by the migration for their
database only, so the model does not declare them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nashr.publications.models import Kind, Publication


class SearchEntry(models.Model):
    """What search knows of one published publication."""

    publication = models.OneToOneField(
        Publication,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("publication"),
    )
    language = models.CharField(_("language"), max_length=8)
    kind = models.ForeignKey(
        Kind, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind")
    )
    date = models.DateField(_("date it bears"))
    title = models.TextField(_("terms of the title"))
    body = models.TextField(_("terms of the summary and body"))
    extra = models.TextField(_("parts of split words"), blank=True)
    # Where every eighth term's word starts in the text (normalize.Analysis.starts).
    starts = models.TextField(_("starts of words"), blank=True)
    # Terms (langfa, kind3) that let FTS5 filter by language and kind inside its index.
    facets = models.TextField(_("facets"), blank=True)

    class Meta:
        indexes = [models.Index(fields=["date"], name="search_entry_date")]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return gettext("search entry of publication %(id)s") % {"id": self.publication_id}
