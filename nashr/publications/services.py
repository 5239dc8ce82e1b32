"""Every write to publications goes through these functions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from nashr.core.content import render_markdown
from nashr.core.exceptions import StateError, ValidationError
from nashr.publications.models import Kind, Language, Publication, Signatory, Status

# Fields whose change makes existing translations outdated.
CONTENT_FIELDS = ("title", "summary", "body")
EDITABLE_FIELDS = (
    *CONTENT_FIELDS,
    "kind",
    "signatory",
    "date",
    "slug",
    "source_url",
    "legacy_path",
)


def make_slug(title: str) -> str:
    return slugify(title, allow_unicode=True)[:80].strip("-") or "-"


def _validate(publication: Publication) -> None:
    if not publication.title.strip():
        raise ValidationError("a publication needs a title", where="title")
    if publication.language not in Language.values:
        raise ValidationError(
            f"unknown language “{publication.language}”",
            where="language",
            hint=f"use one of: {', '.join(Language.values)}",
        )
    if publication.legacy_path is not None:
        path = publication.legacy_path.strip()
        if not path:
            publication.legacy_path = None
        elif not path.startswith("/"):
            raise ValidationError(
                f"legacy path “{path}” must start with /", where="legacy_path"
            )
        else:
            publication.legacy_path = path


def _after_save(publication: Publication) -> None:
    """Keep derived stores (the search index) in step, inside the same transaction."""
    from nashr.search.services import search_index_update

    search_index_update(publication=publication)


@transaction.atomic
def publication_create(
    *,
    kind: Kind,
    language: str,
    title: str,
    date: dt.date,
    body: str = "",
    summary: str = "",
    signatory: Signatory | None = None,
    status: str = Status.DRAFT,
    published_at: dt.datetime | None = None,
    slug: str = "",
    source_url: str = "",
    legacy_path: str | None = None,
    translation_key: uuid.UUID | None = None,
    translation_of: Publication | None = None,
    created_by: AbstractBaseUser | None = None,
) -> Publication:
    """A new publication; a translation when `translation_of` is given."""
    if status not in Status.values:
        raise ValidationError(
            f"unknown status “{status}”", where="status", hint=f"use one of: {', '.join(Status.values)}"
        )
    publication = Publication(
        kind=kind,
        language=language,
        title=title.strip(),
        slug=slug or make_slug(title),
        summary=summary.strip(),
        body=body,
        body_html=render_markdown(body),
        signatory=signatory,
        date=date,
        status=status,
        source_url=source_url,
        legacy_path=legacy_path,
        created_by=created_by if created_by is not None and created_by.pk else None,
    )
    if translation_of is not None:
        if translation_of.language == language:
            raise ValidationError(
                f"a translation must be in another language than its original ({language})",
                where="language",
            )
        publication.translation_of = translation_of
        publication.translation_key = translation_of.translation_key
        publication.source_revision = translation_of.revision
    elif translation_key is not None:
        publication.translation_key = translation_key
    if status == Status.PUBLISHED:
        publication.published_at = published_at or timezone.now()
    _validate(publication)
    if Publication.objects.filter(
        translation_key=publication.translation_key, language=language
    ).exists():
        raise ValidationError(
            f"this publication already has a version in “{language}”",
            where="language",
            hint="edit that version instead",
        )
    publication.save()
    _after_save(publication)
    return publication


@transaction.atomic
def publication_update(
    *, publication: Publication, source_revision: int | None = None, **changes: Any
) -> Publication:
    """Change fields; a change of title, summary or body makes a new revision.

    A translator who brings a translation up to date passes `source_revision` (the
    original's revision they translated from).
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"cannot change {', '.join(sorted(unknown))}")
    content_changed = any(
        field in changes and changes[field] != getattr(publication, field)
        for field in CONTENT_FIELDS
    )
    for field, value in changes.items():
        setattr(publication, field, value)
    if content_changed:
        publication.revision += 1
        publication.body_html = render_markdown(publication.body)
    if source_revision is not None:
        if publication.translation_of is None:
            raise ValidationError("only a translation records the revision it was made from")
        publication.source_revision = min(source_revision, publication.translation_of.revision)
    if not publication.slug:
        publication.slug = make_slug(publication.title)
    _validate(publication)
    publication.save()
    _after_save(publication)
    return publication


@transaction.atomic
def publication_submit_for_review(*, publication: Publication) -> Publication:
    if publication.status != Status.DRAFT:
        raise StateError(f"“{publication}” is {publication.get_status_display()}, not a draft")
    publication.status = Status.REVIEW
    publication.save(update_fields=["status", "updated_at"])
    return publication


@transaction.atomic
def publication_publish(
    *, publication: Publication, published_at: dt.datetime | None = None
) -> Publication:
    if publication.status == Status.PUBLISHED:
        raise StateError(f"“{publication}” is already published")
    publication.status = Status.PUBLISHED
    publication.published_at = published_at or publication.published_at or timezone.now()
    publication.save(update_fields=["status", "published_at", "updated_at"])
    _after_save(publication)
    return publication


@transaction.atomic
def publication_unpublish(*, publication: Publication) -> Publication:
    if publication.status != Status.PUBLISHED:
        raise StateError(f"“{publication}” is not published")
    publication.status = Status.DRAFT
    publication.save(update_fields=["status", "updated_at"])
    _after_save(publication)
    return publication


@transaction.atomic
def translation_create(
    *,
    original: Publication,
    language: str,
    title: str,
    body: str = "",
    summary: str = "",
    created_by: AbstractBaseUser | None = None,
) -> Publication:
    """A draft translation of `original`, recording the original's current revision."""
    return publication_create(
        kind=original.kind,
        language=language,
        title=title,
        body=body,
        summary=summary,
        date=original.date,
        signatory=original.signatory,
        translation_of=original,
        created_by=created_by,
    )
