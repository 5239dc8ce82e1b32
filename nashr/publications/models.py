"""Publications (statements, articles, news, reports), their kinds, signatories, translations."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from nashr.core.bidi import direction
from nashr.core.languages import (
    current_language,
    fallback_languages,
    language_choices,
)
from nashr.core.models import TimeStampedModel


class Kind(models.Model):
    """What sort of publication: statement, article, news, report; admins may add more."""

    slug = models.SlugField(_("slug"), unique=True)
    # One entry per language code: {"fa": "بیانیه", "en": "Statement"}; adding a language
    # adds keys, not columns.
    names = models.JSONField(_("names"), default=dict)
    plurals = models.JSONField(_("plurals"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("kind")
        verbose_name_plural = _("kinds")

    def __str__(self) -> str:
        # In the language in use (an admin page's, a form's choice): «بیانیه», "Statement".
        return _name_in(self.names, current_language()) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("publications:kind", kwargs={"kind": self.slug})

    def name(self, language: str) -> str:
        return _name_in(self.names, language)

    def plural(self, language: str) -> str:
        """The plural in `language`, else its name there; for a language the kind has no
        name in, the default language's plural (or name), as `name` falls back."""
        if not self.names.get(language):
            language = next(
                (c for c in fallback_languages(language) if self.names.get(c)), language
            )
        return self.plurals.get(language) or self.name(language)


class Signatory(models.Model):
    """The body that issued a publication: a committee, a coalition, an office."""

    slug = models.SlugField(_("slug"), unique=True)
    # One entry per language code, as Kind.names.
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        # In the language in use (an admin page's, a form's choice): «بیانیه», "Statement".
        return _name_in(self.names, current_language()) or self.slug

    def name(self, language: str) -> str:
        return _name_in(self.names, language)


def _name_in(names: dict[str, str], language: str) -> str:
    """The name in `language`, else in the languages that stand in for it (its interface
    fallback, then those written in its direction), else any: a kind named before a
    language was added still has a name on that language's pages."""
    return (
        names.get(language)
        or next((names[c] for c in fallback_languages(language) if names.get(c)), "")
        or next((name for name in names.values() if name), "")
    )


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class DateShown(models.TextChoices):
    """Which day a publication's page shows under its title."""

    WRITTEN = "written", _("The date it bears (written)")
    PUBLISHING_DAY = "publishing_day", _("The day it is published")


class PublicationQuerySet(models.QuerySet["Publication"]):
    def published(self) -> PublicationQuerySet:
        return self.filter(status=Status.PUBLISHED)


class Publication(TimeStampedModel):
    """One language version of a publication; versions share a `translation_key`."""

    kind = models.ForeignKey(Kind, on_delete=models.PROTECT, verbose_name=_("kind"))
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    body_html = models.TextField(_("body (rendered)"), blank=True, editable=False)
    signatory = models.ForeignKey(
        Signatory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("signatory"),
    )
    date = models.DateField(_("date it bears"))
    date_shown = models.CharField(
        _("date shown on its page"),
        max_length=16,
        choices=DateShown.choices,
        default=DateShown.WRITTEN,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Set on an unpublished publication: the task worker publishes it at this time (UTC),
    # through the same service as a manual publish; a time already past when the worker
    # comes back is caught up.
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    source_url = models.URLField(_("source URL"), blank=True)
    legacy_path = models.CharField(
        _("legacy path"),
        max_length=500,
        null=True,
        blank=True,
        unique=True,
        help_text=_("An old address on this site, such as /node/10158, that redirects here."),
    )
    translation_key = models.UUIDField(_("translation key"), default=uuid.uuid4, db_index=True)
    # Incremented whenever the title, summary or body changes; translations record the
    # revision of the original they were made from.
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    source_revision = models.PositiveIntegerField(
        _("revision of the original translated"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "language"], name="publication_one_per_language"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="publication_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(translation_of__isnull=True) | Q(source_revision__isnull=False),
                name="publication_translation_has_source_revision",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "language", "-date"], name="pub_list_idx"),
        ]
        permissions = [
            ("publish_publication", _("Can publish and unpublish publications")),
            ("translate_publication", _("Can create and update translations")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def name_language(self) -> str:
        """The language its name is written in (see core.bidi.named)."""
        return self.language

    def get_absolute_url(self) -> str:
        with override(self.language):
            return reverse("publications:detail", kwargs={"pk": self.pk, "slug": self.slug or "-"})

    @property
    def direction(self) -> str:
        return direction(self.language)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_scheduled(self) -> bool:
        """Not published yet, with a time the worker publishes it at."""
        return self.publish_at is not None and not self.is_published

    @property
    def shows_publishing_day(self) -> bool:
        """The editor chose the publishing day, and it is known (published or scheduled)."""
        return self.date_shown == DateShown.PUBLISHING_DAY and (
            self.published_at is not None or self.publish_at is not None
        )

    def shown_date(self) -> dt.date:
        """The day its page shows: the day it was (or is to be) published, in the site's
        time zone, when `shows_publishing_day`; else the date it bears."""
        moment = self.published_at or self.publish_at
        if self.shows_publishing_day and moment is not None:
            return timezone.localdate(moment)
        return self.date

    @property
    def is_original(self) -> bool:
        """Not a translation of another version (see ``language_versions``)."""
        return self.translation_of_id is None

    @property
    def is_outdated(self) -> bool:
        """A translation made from an older revision of its original."""
        original = self.translation_of
        return (
            original is not None
            and self.source_revision is not None
            and self.source_revision < original.revision
        )


class Revision(models.Model):
    """The title, summary and body of a publication as one save left them.

    Kept in this app because the update service writes one in the same transaction as
    the edit: a revision cannot be missing for a saved text, whatever called the service
    (the admin, the importer, a restore). `number` is the publication's `revision` then.
    """

    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("publication"),
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    # Who saved it when no staff member did ("system:command") or the account is gone.
    actor_label = models.CharField(_("saved by"), max_length=150)
    changed = models.JSONField(_("fields changed"), default=list)
    restored_from = models.PositiveIntegerField(_("restored from revision"), null=True, blank=True)

    class Meta:
        ordering = ["publication", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="revision_one_per_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} r{self.number}"


class OldAddress(models.Model):
    """An address of the old site (``/node/12``, ``/?p=7``, a permalink) and what it answers.

    A publication may have many (its node path, its aliases with and without a language
    prefix, its WordPress permalink and ``?p=ID``). The path is stored decoded, without a
    trailing slash; a WordPress query address is stored as ``/?p=ID`` or ``/?page_id=ID``.
    """

    class Answer(models.TextChoices):
        MOVED = "moved", _("Moved (301)")
        GONE = "gone", _("Removed on purpose (410)")

    path = models.CharField(_("old path"), max_length=1000, unique=True)
    answer = models.CharField(
        _("answer"), max_length=8, choices=Answer.choices, default=Answer.MOVED
    )
    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="old_addresses",
        verbose_name=_("publication"),
    )
    # A redirect to any page of this site (from a CSV of extra redirects).
    target = models.CharField(_("new path"), max_length=1000, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(answer="gone", publication__isnull=True, target="")
                    | Q(answer="moved", publication__isnull=False, target="")
                    | (Q(answer="moved", publication__isnull=True) & ~Q(target=""))
                ),
                name="old_address_one_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.path
