"""A numbered periodical (series) and its issues, built from publications."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from nashr.core.languages import language_choices
from nashr.core.models import TimeStampedModel
from nashr.publications.models import Kind, Publication, Signatory

# The file name of an issue's PDF, after the address of its page (…/47/bulletin.pdf), on
# the site and in the mirror alike.
PDF_NAME = "bulletin.pdf"


class Series(TimeStampedModel):
    """A bulletin's name, language, colophon and numbering."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    label = models.CharField(
        _("region label"), max_length=100, blank=True, help_text=_("Shown before the title.")
    )
    colophon = models.TextField(_("colophon (Markdown)"), blank=True)
    first_number = models.PositiveIntegerField(
        _("first number"), default=1, help_text=_("For a series migrated from elsewhere.")
    )
    kinds = models.ManyToManyField(
        Kind,
        blank=True,
        verbose_name=_("kinds proposed for a draft"),
        help_text=_("None chosen: every kind."),
    )
    # The highest number ever given; numbers are never reused, even if an issue is removed.
    last_number = models.PositiveIntegerField(
        _("last number given"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.title

    @property
    def name_language(self) -> str:
        """The language its name is written in (see core.bidi.named)."""
        return self.language

    def get_absolute_url(self) -> str:
        with override(self.language):
            return reverse("bulletins:series", kwargs={"series": self.slug})


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Bulletin(TimeStampedModel):
    """One issue of a series. Its number is given when it is published, and never reused."""

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="bulletins", verbose_name=_("series")
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    # The period covered, as a month of the series' calendar (Jalali for Persian).
    period_year = models.PositiveIntegerField(_("year"))
    period_month = models.PositiveSmallIntegerField(_("month"))
    editorial_title = models.CharField(_("editorial headline"), max_length=300, blank=True)
    editorial_body = models.TextField(_("editorial (Markdown)"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=BulletinStatus.choices,
        default=BulletinStatus.DRAFT,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Set on a draft: the task worker publishes it at this time (UTC). `send_at`: the
    # worker sends the (published) issue to its subscribers then. Both are cleared once
    # done, and a time missed while the worker was down is caught up when it returns.
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True, db_index=True)
    # The frozen document (every text the three formats show) taken at publishing.
    document = models.JSONField(_("frozen document"), null=True, blank=True, editable=False)
    # A corrected edition re-freezes the document under the same number.
    edition = models.PositiveSmallIntegerField(_("edition"), default=1, editable=False)
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True, editable=False)
    correction_note = models.TextField(_("correction note"), blank=True)

    class Meta:
        ordering = ["series", "-number", "-id"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        permissions = [
            ("publish_bulletin", _("Can publish a bulletin and its corrected editions")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="bulletin_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, document__isnull=False),
                name="bulletin_published_has_number",
            ),
            models.CheckConstraint(
                condition=Q(period_month__gte=1, period_month__lte=12),
                name="bulletin_period_month_valid",
            ),
        ]

    def __str__(self) -> str:
        number = self.number if self.number is not None else "—"
        return f"{self.series} {number}"

    @property
    def name_language(self) -> str:
        """The language its name is written in (see core.bidi.named)."""
        return self.series.language

    def get_absolute_url(self) -> str:
        with override(self.series.language):
            return reverse(
                "bulletins:detail", kwargs={"series": self.series.slug, "number": self.number}
            )

    def get_pdf_url(self) -> str:
        with override(self.series.language):
            return reverse(
                "bulletins:pdf", kwargs={"series": self.series.slug, "number": self.number}
            )

    @property
    def is_published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED


class BulletinItem(models.Model):
    """An entry of an issue: a publication (full or excerpt) or a standalone news item."""

    class Mode(models.TextChoices):
        FULL = "full", _("Full text")
        EXCERPT = "excerpt", _("Excerpt")

    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.CASCADE, related_name="items", verbose_name=_("bulletin")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bulletin_items",
        verbose_name=_("publication"),
    )
    mode = models.CharField(_("text"), max_length=16, choices=Mode.choices, default=Mode.FULL)
    # Overrides; empty means "take it from the publication".
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text (Markdown)"), blank=True)
    slogan = models.CharField(_("slogan line"), max_length=300, blank=True)
    signatory = models.ForeignKey(
        Signatory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("signatory")
    )
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        ordering = ["bulletin", "order", "id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(
                condition=Q(publication__isnull=False) | ~Q(title=""),
                name="bulletin_item_has_title_or_publication",
            ),
        ]

    def __str__(self) -> str:
        return self.title or (self.publication.title if self.publication else "")

    @property
    def name_language(self) -> str:
        """The language its name is written in: the issue's, or its publication's title's
        (see core.bidi.named)."""
        if self.title or self.publication is None:
            return self.bulletin.series.language
        return self.publication.language
