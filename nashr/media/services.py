"""Every write to images and attachments goes through these functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction

from nashr.audit.services import audit_record
from nashr.core.actors import Actor, actor_user, require
from nashr.core.changes import Topic, announce
from nashr.core.exceptions import StateError, ValidationError
from nashr.core.languages import check_language
from nashr.media.models import Media, MediaKind, MediaUse
from nashr.media.processing import REMOVED_LABELS, Cleaned, clean_upload

EDITABLE_FIELDS = ("title", "alt_text", "language")


def _check_alt_text(*, kind: str, alt_text: str) -> None:
    if kind == MediaKind.IMAGE and not alt_text.strip():
        raise ValidationError(
            "an image needs alt text",
            where="alt_text",
            hint="say in a sentence what the image shows, in the publication's language",
        )


def _save(name: str, data: bytes) -> str:
    """Store `data` as `name`; the same name always holds the same bytes, so once is enough.

    (A storage's `save` would add a suffix to a taken name, and the print variant is
    found from the web one's name.)
    """
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(data))


def _store(cleaned: Cleaned) -> tuple[str, list[dict[str, object]]]:
    """Save the clean file and its variants under names made from the content's hash."""
    stem = f"uploads/{cleaned.sha256[:2]}/{cleaned.sha256[:32]}"
    name = _save(f"{stem}.{cleaned.extension}", cleaned.data)
    variants: list[dict[str, object]] = []
    for variant in cleaned.variants:
        suffix = "print" if variant.purpose == "print" else str(variant.width)
        saved = _save(f"{stem}-{suffix}.{variant.extension}", variant.data)
        variants.append(
            {
                "name": saved,
                "format": variant.format,
                "width": variant.width,
                "height": variant.height,
                "size": len(variant.data),
                "purpose": variant.purpose,
            }
        )
    return name, variants


def _delete_files(names: list[str], sha256: str) -> None:
    # Another upload of the same content shares the files.
    if Media.objects.filter(sha256=sha256).exists():
        return
    for name in names:
        default_storage.delete(name)


def media_upload_check(
    *, actor: Actor, name: str, data: bytes, language: str, alt_text: str = ""
) -> Cleaned:
    """Everything `media_upload` checks, storing nothing: the file cleaned, or why not.

    For a run that must write nothing (an import's dry run) yet refuse what an upload
    would refuse.
    """
    require(actor, "media.add_media", action="upload images or attachments")
    check_language(language)
    cleaned = clean_upload(name=name, data=data)
    _check_alt_text(kind=cleaned.kind, alt_text=alt_text)
    return cleaned


@transaction.atomic
def media_upload(
    *,
    actor: Actor,
    name: str,
    data: bytes,
    title: str,
    language: str,
    alt_text: str = "",
    reuse: bool = False,
) -> Media:
    """Clean the file `name` (`data`), store it and its variants; refuse a hostile one.

    The returned row's `removed` says which metadata the original carried. With `reuse`
    (an import meeting the same photo again), a file whose cleaned content is stored
    already is that row, as it is: one `Media`, not a second with the same files.
    """
    cleaned = media_upload_check(
        actor=actor, name=name, data=data, language=language, alt_text=alt_text
    )
    if reuse:
        existing = (
            Media.objects.filter(sha256=cleaned.sha256, kind=cleaned.kind).order_by("pk").first()
        )
        if existing is not None:
            return existing
    # Files are named by their content: one left behind by a transaction rolled back later
    # is overwritten by the same upload, and shows nothing no row points to.
    stored, variants = _store(cleaned)
    media = Media.objects.create(
        kind=cleaned.kind,
        title=title.strip() or name.rsplit("/", 1)[-1][:200],
        language=language,
        alt_text=alt_text.strip(),
        file=stored,
        content_type=cleaned.content_type,
        size=len(cleaned.data),
        width=cleaned.width,
        height=cleaned.height,
        sha256=cleaned.sha256,
        removed=cleaned.removed,
        variants=variants,
        uploaded_by=actor_user(actor),
    )
    audit_record(
        actor=actor,
        action="media.upload",
        target=media,
        changes={"kind": media.kind, "removed": cleaned.removed},
    )
    return media


@transaction.atomic
def media_update(*, actor: Actor, media: Media, **changes: str) -> Media:
    """Change the title, the alt text or its language."""
    require(actor, "media.change_media", action=f"change “{media}”")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"cannot change {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(media, field, value.strip())
    check_language(media.language)
    _check_alt_text(kind=media.kind, alt_text=media.alt_text)
    media.save()
    audit_record(actor=actor, action="media.update", target=media, changes=changes)
    # Alt text shows in every page that embeds the image.
    announce(Topic.MEDIA, [media.pk])
    return media


@transaction.atomic
def media_delete(*, actor: Actor, media: Media, confirmed: bool = False) -> None:
    """Delete the row and, once that is committed, its files.

    An image or file that texts use is refused, naming them, unless `confirmed`: those
    texts are then rendered again without it (their `media:ID` shows nothing).
    """
    require(actor, "media.delete_media", action=f"delete “{media}”")
    users = media_user_names(media_id=media.pk)
    if users and not confirmed:
        raise StateError(
            f"“{media}” is used by {len(users)} text(s): {'; '.join(users)}",
            where="media",
            hint="take it out of those texts first, or confirm the deletion: "
            "they will then show nothing in its place",
        )
    names = [media.file.name, *(str(v["name"]) for v in media.variants)]
    audit_record(
        actor=actor,
        action="media.delete",
        target=media,
        changes={"used_by": users} if users else None,
    )
    pk = media.pk
    media.delete()
    sha256 = media.sha256
    transaction.on_commit(lambda: _delete_files(names, sha256))
    announce(Topic.MEDIA, [pk])


def owner_label(model: type[models.Model]) -> str:
    """How `MediaUse.owner` names a model of texts."""
    return model._meta.label_lower


# Owners whose uses are replaced per statement by `media_uses_record`.
USES_BATCH = 500


def media_uses_record(*, model: type[models.Model], uses: Mapping[int, Iterable[int]]) -> None:
    """The uploads each text of `model` uses now (text id → media ids), replacing its rows.

    Called inside the service that writes the texts; the caller leaves out new texts
    that reference nothing, so an import of texts without images costs no statement.
    """
    owner = owner_label(model)
    owner_ids = list(uses)
    for start in range(0, len(owner_ids), USES_BATCH):
        chunk = owner_ids[start : start + USES_BATCH]
        MediaUse.objects.filter(owner=owner, owner_id__in=chunk).delete()
        MediaUse.objects.bulk_create(
            MediaUse(owner=owner, owner_id=owner_id, media_id=media_id)
            for owner_id in chunk
            for media_id in sorted(set(uses[owner_id]))
        )


def media_uses_forget(*, model: type[models.Model], owner_ids: Iterable[int]) -> None:
    """The texts `owner_ids` of `model` are gone: they use nothing any more."""
    MediaUse.objects.filter(owner=owner_label(model), owner_id__in=list(owner_ids)).delete()


def media_users(*, media_ids: Iterable[int]) -> dict[str, set[int]]:
    """The texts that use any of `media_ids`: model label → their ids."""
    found: dict[str, set[int]] = {}
    rows = MediaUse.objects.filter(media_id__in=list(media_ids)).values_list("owner", "owner_id")
    for owner, owner_id in rows:
        found.setdefault(owner, set()).add(owner_id)
    return found


def media_user_names(*, media_id: int) -> list[str]:
    """What the texts that use `media_id` are called (each text's own name), sorted."""
    names: list[str] = []
    for owner, ids in media_users(media_ids=[media_id]).items():
        model = apps.get_model(owner)
        names.extend(f"«{text}»" for text in model._default_manager.filter(pk__in=ids))
    return sorted(names)


def removed_labels(media: Media) -> list[str]:
    """What was removed from the upload, in the interface's language."""
    return [str(REMOVED_LABELS[key]) for key in media.removed if key in REMOVED_LABELS]
