"""Images and attachments uploaded by the staff, stored only once cleaned."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nashr.core.bidi import direction
from nashr.core.languages import language_choices
from nashr.core.models import TimeStampedModel


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document (PDF)")


class Media(TimeStampedModel):
    """One uploaded file, cleaned, under a name made from its content (never the upload's).

    The original's name can say where and by whom a photo was taken, so it is kept
    nowhere. `variants` lists the renditions made for browsers and for print:
    ``{"name", "format", "width", "height", "size", "purpose"}``.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=MediaKind.choices)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language of the alt text"), max_length=8, choices=language_choices
    )
    alt_text = models.TextField(
        _("alt text"),
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it (required for images)."),
    )
    file = models.FileField(_("file"), max_length=300, editable=False)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False, db_index=True)
    removed = models.JSONField(_("metadata removed"), default=list, editable=False)
    variants = models.JSONField(_("variants"), default=list, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("image or attachment")
        verbose_name_plural = _("images and attachments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="image") | ~models.Q(alt_text=""),
                name="media_image_has_alt_text",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def name_language(self) -> str:
        """The language its name is written in (see core.bidi.named)."""
        return self.language

    @property
    def direction(self) -> str:
        return direction(self.language)

    @property
    def reference(self) -> str:
        """What an editor writes in Markdown to show this file."""
        if self.kind == MediaKind.IMAGE:
            return f"![](media:{self.pk})"
        return f"[{self.title}](media:{self.pk})"

    def web_variants(self, fmt: str) -> list[dict[str, Any]]:
        return sorted(
            (v for v in self.variants if v["purpose"] == "web" and v["format"] == fmt),
            key=lambda v: int(v["width"]),
        )

    def print_variant(self) -> dict[str, Any] | None:
        return next((v for v in self.variants if v["purpose"] == "print"), None)


class MediaUse(models.Model):
    """One text that shows an image or links a file: a `media:ID` written in it.

    Kept by the services of the texts that may reference uploads (publications), so that
    a changed image reaches every page that shows it and a used one is not deleted
    unawares. `owner` is the text's model label ("publications.publication"), with the
    row's id: a label, not a content type, so that a backup restored into another
    database still names the same texts. `media_id` is no foreign key: the reference
    stays in the text when the file goes, and the pages that showed it are rendered
    again from these rows.
    """

    media_id = models.PositiveBigIntegerField(_("image or attachment"), db_index=True)
    owner = models.CharField(_("kind of text"), max_length=100)
    owner_id = models.PositiveBigIntegerField(_("text"))

    class Meta:
        verbose_name = _("use of an image or attachment")
        verbose_name_plural = _("uses of images and attachments")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "owner_id", "media_id"], name="media_use_once_per_text"
            ),
        ]

    def __str__(self) -> str:
        return f"media:{self.media_id} in {self.owner} {self.owner_id}"
