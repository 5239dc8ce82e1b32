"""Every write to images and attachments goes through these functions."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from nashr.audit.services import audit_record
from nashr.core.actors import Actor, actor_user, require
from nashr.core.exceptions import ValidationError
from nashr.core.languages import check_language
from nashr.core.pagecache import public_pages_changed
from nashr.media.models import Media, MediaKind
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
    public_pages_changed()
    return media


@transaction.atomic
def media_delete(*, actor: Actor, media: Media) -> None:
    """Delete the row and, once that is committed, its files; pages that used it lose it."""
    require(actor, "media.delete_media", action=f"delete “{media}”")
    names = [media.file.name, *(str(v["name"]) for v in media.variants)]
    audit_record(actor=actor, action="media.delete", target=media)
    media.delete()
    sha256 = media.sha256
    transaction.on_commit(lambda: _delete_files(names, sha256))
    public_pages_changed()


def removed_labels(media: Media) -> list[str]:
    """What was removed from the upload, in the interface's language."""
    return [str(REMOVED_LABELS[key]) for key in media.removed if key in REMOVED_LABELS]
