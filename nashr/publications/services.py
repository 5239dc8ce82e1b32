"""Every write to publications goes through these functions.

Each takes the `actor` doing it and checks the actor's role (``rules``) before
anything else, so the admin, the importer, the commands and the demo obey one rule.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from nashr.audit.selectors import audit_last_actor
from nashr.audit.services import audit_diff, audit_record, audit_snapshot
from nashr.core.actors import Actor, actor_label, actor_user, require
from nashr.core.changes import Topic, announce
from nashr.core.content import media_references, render_markdown, unresolved_media
from nashr.core.exceptions import StateError, ValidationError
from nashr.core.languages import check_language, default_language, language_name
from nashr.core.schedule import check_not_past, run_due_at
from nashr.core.spelling import slug_of
from nashr.media.services import media_uses_forget, media_uses_record
from nashr.publications import rules
from nashr.publications.models import (
    DateShown,
    Kind,
    Publication,
    Revision,
    Signatory,
    Status,
)

# Fields whose change makes existing translations outdated.
CONTENT_FIELDS = ("title", "summary", "body")
EDITABLE_FIELDS = (
    *CONTENT_FIELDS,
    "kind",
    "signatory",
    "date",
    "date_shown",
    "slug",
    "source_url",
    "legacy_path",
)


def _keep_revision(
    publication: Publication,
    *,
    actor: Actor,
    changed: list[str],
    restored_from: int | None = None,
) -> Revision:
    """The publication's text as just saved, under its current revision number."""
    revision = _revision_of(publication, actor=actor, changed=changed, restored_from=restored_from)
    revision.save()
    return revision


def _revision_of(
    publication: Publication,
    *,
    actor: Actor,
    changed: list[str],
    restored_from: int | None = None,
) -> Revision:
    return Revision(
        publication=publication,
        number=publication.revision,
        title=publication.title,
        summary=publication.summary,
        body=publication.body,
        author=actor_user(actor),
        actor_label=actor_label(actor),
        changed=changed,
        restored_from=restored_from,
    )


def make_slug(title: str) -> str:
    return slug_of(title) or "-"


def _validate(publication: Publication) -> None:
    if not publication.title.strip():
        raise ValidationError("a publication needs a title", where="title")
    check_language(publication.language)
    if publication.date_shown not in DateShown.values:
        raise ValidationError(
            f"unknown choice of date “{publication.date_shown}”",
            where="date_shown",
            hint=f"use one of: {', '.join(DateShown.values)}",
        )
    if publication.legacy_path is not None:
        path = publication.legacy_path.strip()
        if not path:
            publication.legacy_path = None
        elif not path.startswith("/"):
            raise ValidationError(f"legacy path “{path}” must start with /", where="legacy_path")
        else:
            publication.legacy_path = path
            taken = Publication.objects.filter(legacy_path=path).exclude(pk=publication.pk)
            if taken.exists():
                raise _path_taken(path)


def _check_references(body: str) -> None:
    """Refuse a body with a `media:` reference that shows nothing (rendering would drop it
    silently: a translator's pasted image gone, a PDF link turned into plain words).

    A number typed in Persian digits is refused with the others rather than read as its
    ASCII twin: the body is kept as typed, and the hint shows the form that works.
    """
    missing = unresolved_media(body)
    if missing:
        raise ValidationError(
            ngettext(
                "the reference %(references)s leads to no upload",
                "the references %(references)s lead to no upload",
                len(missing),
            )
            % {"references": pgettext("between items of a list", ", ").join(missing)},
            where="body",
            hint=_(
                "use the number of an existing upload, in Latin digits, as in media:12 "
                "(an image reference ![…](media:12) needs an image); the uploads list "
                "shows each one's reference"
            ),
        )


@dataclass
class NewPublication:
    """One publication for `publications_create`: the arguments of `publication_create`."""

    kind: Kind
    language: str
    title: str
    date: dt.date
    body: str = ""
    summary: str = ""
    signatory: Signatory | None = None
    status: str = Status.DRAFT
    published_at: dt.datetime | None = None
    date_shown: str = DateShown.WRITTEN
    slug: str = ""
    source_url: str = ""
    legacy_path: str | None = None
    translation_key: uuid.UUID | None = None
    # A saved publication: a translation made in the same call would have no id yet.
    translation_of: Publication | None = None


@transaction.atomic
def publication_create(
    *,
    actor: Actor,
    kind: Kind,
    language: str,
    title: str,
    date: dt.date,
    body: str = "",
    summary: str = "",
    signatory: Signatory | None = None,
    status: str = Status.DRAFT,
    published_at: dt.datetime | None = None,
    date_shown: str = DateShown.WRITTEN,
    slug: str = "",
    source_url: str = "",
    legacy_path: str | None = None,
    translation_key: uuid.UUID | None = None,
    translation_of: Publication | None = None,
) -> Publication:
    """A new publication; a translation when `translation_of` is given."""
    new = NewPublication(
        kind=kind,
        language=language,
        title=title,
        date=date,
        body=body,
        summary=summary,
        signatory=signatory,
        status=status,
        published_at=published_at,
        date_shown=date_shown,
        slug=slug,
        source_url=source_url,
        legacy_path=legacy_path,
        translation_key=translation_key,
        translation_of=translation_of,
    )
    return publications_create(actor=actor, new=[new])[0]


# Publications written per statement by `publications_create`.
CREATE_BATCH = 500


@transaction.atomic
def publications_create(*, actor: Actor, new: Sequence[NewPublication]) -> list[Publication]:
    """New publications, each checked as `publication_create` checks one (it is this for one).

    For many (an import), the rows, their first revisions and their audit entries are
    written a few statements per batch. The first refusal raises; nothing is saved then.
    """
    publications = [_publication_new(actor, fields) for fields in new]
    _check_free(publications)
    Publication.objects.bulk_create(publications, batch_size=CREATE_BATCH)
    Revision.objects.bulk_create(
        [_revision_of(p, actor=actor, changed=list(CONTENT_FIELDS)) for p in publications],
        batch_size=CREATE_BATCH,
    )
    _uses_record(publications, new=True)
    announce(Topic.PUBLICATIONS, [p.pk for p in publications])
    for publication in publications:
        facts = {"status": publication.status, "language": publication.language}
        audit_record(actor=actor, action="publication.create", target=publication, changes=facts)
    return publications


def _publication_new(actor: Actor, new: NewPublication) -> Publication:
    """The publication `new` describes, checked but not saved."""
    rules.require_add(actor, translation=new.translation_of is not None)
    if new.status == Status.PUBLISHED:
        rules.require_publish(actor)
    if new.status not in Status.values:
        raise ValidationError(
            f"unknown status “{new.status}”",
            where="status",
            hint=f"use one of: {', '.join(Status.values)}",
        )
    publication = Publication(
        kind=new.kind,
        language=new.language,
        title=new.title.strip(),
        slug=new.slug or make_slug(new.title),
        summary=new.summary.strip(),
        body=new.body,
        body_html=render_markdown(new.body),
        signatory=new.signatory,
        date=new.date,
        date_shown=new.date_shown,
        status=new.status,
        source_url=new.source_url,
        legacy_path=new.legacy_path,
        created_by=actor_user(actor),
    )
    original = new.translation_of
    if original is not None:
        if original.language == new.language:
            raise ValidationError(
                f"a translation must be in another language than its original ({new.language})",
                where="language",
            )
        publication.translation_of = original
        publication.translation_key = original.translation_key
        publication.source_revision = original.revision
    elif new.translation_key is not None:
        publication.translation_key = new.translation_key
    if new.status == Status.PUBLISHED:
        publication.published_at = new.published_at or timezone.now()
    _validate(publication)
    _check_references(publication.body)
    return publication


def _uses_record(publications: Sequence[Publication], *, new: bool = False) -> None:
    """The uploads each publication's body shows or links, for `MediaUse` (a new one's
    rows only if it has any)."""
    uses = {p.pk: media_references(p.body) for p in publications}
    if new:
        uses = {pk: ids for pk, ids in uses.items() if ids}
    media_uses_record(model=Publication, uses=uses)


@transaction.atomic
def publications_render_again(*, ids: Sequence[int]) -> list[int]:
    """Render the stored HTML of publications `ids` again from their Markdown; the ids
    whose HTML changed (announced as changed publications).

    Not an edit: no revision, no audit entry. What a body shows of an upload (its alt
    text, its variants, or nothing once it is deleted) is rendered into `body_html`
    when the publication is saved; a change of the upload calls this.
    """
    rendered: list[int] = []
    for publication in Publication.objects.filter(pk__in=list(ids)).only("pk", "body", "body_html"):
        html = render_markdown(publication.body)
        if html != publication.body_html:
            Publication.objects.filter(pk=publication.pk).update(
                body_html=html, updated_at=timezone.now()
            )
            rendered.append(publication.pk)
    announce(Topic.PUBLICATIONS, rendered)
    return rendered


def _check_free(publications: list[Publication]) -> None:
    """No two of them, and none of them and a saved one, share a language version or an
    old address (the unique constraints would refuse it less clearly)."""
    versions: set[tuple[uuid.UUID, str]] = set()
    paths: set[str] = set()
    for publication in publications:
        version = (publication.translation_key, publication.language)
        if version in versions:
            raise _version_taken(publication.language)
        versions.add(version)
        if publication.legacy_path is not None:
            if publication.legacy_path in paths:
                raise _path_taken(publication.legacy_path)
            paths.add(publication.legacy_path)
    keys = sorted({key for key, _language in versions})
    for start in range(0, len(keys), CREATE_BATCH):
        saved = Publication.objects.filter(
            translation_key__in=keys[start : start + CREATE_BATCH]
        ).values_list("translation_key", "language")
        for version in saved:
            if version in versions:
                raise _version_taken(version[1])


def _version_taken(language: str) -> ValidationError:
    return ValidationError(
        f"this publication already has a version in “{language}”",
        where="language",
        hint="edit that version instead",
    )


def _path_taken(path: str) -> ValidationError:
    return ValidationError(
        f"legacy path “{path}” already leads to another publication",
        where="legacy_path",
        hint="each old address can redirect to one publication only",
    )


@transaction.atomic
def publication_update(
    *,
    actor: Actor,
    publication: Publication,
    source_revision: int | None = None,
    restored_from: int | None = None,
    **changes: Any,
) -> Publication:
    """Change fields; a change of title, summary or body makes a new revision, kept.

    A translator who brings a translation up to date passes `source_revision` (the
    original's revision they translated from); `publication_restore` passes
    `restored_from`, the revision whose text it brings back.
    """
    rules.require_change(actor, publication)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"cannot change {', '.join(sorted(unknown))}")
    before = audit_snapshot(publication, [*changes, "source_revision"])
    changed_text = [
        field
        for field in CONTENT_FIELDS
        if field in changes and changes[field] != getattr(publication, field)
    ]
    content_changed = bool(changed_text)
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
    if "body" in changed_text:
        _check_references(publication.body)
    publication.save()
    if content_changed:
        _keep_revision(publication, actor=actor, changed=changed_text, restored_from=restored_from)
        _uses_record([publication])
    announce(Topic.PUBLICATIONS, [publication.pk])
    if changed := audit_diff(before, publication):
        audit_record(actor=actor, action="publication.update", target=publication, changes=changed)
        unschedule_unreviewed(
            actor=actor,
            scheduled=publication,
            may_publish=rules.can_publish(actor),
            action="publication.unschedule",
            changed=sorted(changed),
        )
    return publication


def unschedule_unreviewed(
    *, actor: Actor, scheduled: Any, may_publish: bool, action: str, changed: list[str]
) -> None:
    """Cancel the scheduled publishing of `scheduled` (a publication or a bulletin issue:
    anything with ``publish_at``) when `actor`, who may not publish it, has just changed
    `changed`; recorded as `action`.

    Whoever scheduled it approved the text as it was then; the worker would otherwise
    publish the new, unreviewed text in their name. Someone who may publish keeps it.
    """
    if scheduled.publish_at is None or may_publish:
        return
    facts = {
        "publish_at": [scheduled.publish_at, None],
        "reason": f"changed by {actor_label(actor)}, who may not publish: {', '.join(changed)}",
    }
    scheduled.publish_at = None
    scheduled.save(update_fields=["publish_at", "updated_at"])
    audit_record(actor=actor, action=action, target=scheduled, changes=facts)


@transaction.atomic
def publication_restore(*, actor: Actor, publication: Publication, number: int) -> Publication:
    """Bring back the text of revision `number` as a new revision (history is never cut)."""
    revision = Revision.objects.filter(publication=publication, number=number).first()
    if revision is None:
        raise ValidationError(
            f"“{publication}” has no revision {number}",
            where="revision",
            hint="choose one from the publication's list of revisions",
        )
    if number == publication.revision:
        raise StateError(f"revision {number} is the current text of “{publication}”")
    return publication_update(
        actor=actor,
        publication=publication,
        restored_from=number,
        title=revision.title,
        summary=revision.summary,
        body=revision.body,
    )


@transaction.atomic
def publication_schedule(
    *,
    actor: Actor,
    publication: Publication,
    publish_at: dt.datetime | None,
    backdate: bool = False,
) -> Publication:
    """Have the task worker publish `publication` at `publish_at` (None: not scheduled).

    Scheduling is a publishing decision, so it takes the right to publish. The worker's
    task is queued to run at that time; if the worker is down then, it runs when the
    worker returns, and a later change of time leaves the earlier task with nothing to do.
    A time already past is refused (it would publish at once, back-dated: a typo, most
    likely) unless `backdate` says it was decided elsewhere (a post the old site had
    scheduled, imported after its time).
    """
    rules.require_publish(actor, publication)
    if publish_at is not None:
        if timezone.is_naive(publish_at):
            raise ValidationError("a publication time needs its time zone", where="publish_at")
        if publication.status == Status.PUBLISHED:
            raise StateError(
                f"“{publication}” is already published",
                where="publish_at",
                hint="unpublish it first to publish it again at a set time",
            )
        if not backdate:
            check_not_past(
                publish_at,
                where="publish_at",
                hint=_(
                    "check the date and the time; to publish it now, choose the status "
                    "“Published” and leave the publishing time empty"
                ),
            )
    previous = publication.publish_at
    _schedule_save(actor, publication, publish_at)
    if publication.translation_of_id is None:
        for translation in _translations_following(publication, previous):
            rules.require_publish(actor, translation)
            _schedule_save(actor, translation, publish_at)
    if publish_at is not None:
        run_due_at(publish_at)
    return publication


def _translations_following(
    original: Publication, previous: dt.datetime | None
) -> list[Publication]:
    """The translations of `original` that its schedule carries along.

    A translation its translator submitted for review is ready: scheduling the original
    schedules it for the same time, so both languages appear together. One still a draft
    is not ready and stays as it is; one scheduled at a time of its own (not the
    original's previous one) keeps it.
    """
    ready = original.translations.filter(status=Status.REVIEW).select_for_update()
    return [t for t in ready if t.publish_at is None or t.publish_at == previous]


def _schedule_save(actor: Actor, publication: Publication, publish_at: dt.datetime | None) -> None:
    before = audit_snapshot(publication, ["publish_at"])
    publication.publish_at = publish_at
    publication.save(update_fields=["publish_at", "updated_at"])
    if changed := audit_diff(before, publication):
        audit_record(
            actor=actor, action="publication.schedule", target=publication, changes=changed
        )


def publication_publish_if_due(*, actor: Actor, pk: int) -> bool:
    """Publish the publication `pk` if its time has come; whether it was published.

    The scheduler's work (nashr.core.schedule), each in a transaction of its own, so
    those published before one that fails stay published. The publication bears its
    scheduled time as its publishing time, not the (later) time a worker that was down
    caught up with it.
    """
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(pk=pk).first()
        if publication is None:
            return False
        when = publication.publish_at
        if when is None or when > timezone.now() or publication.is_published:
            return False
        publication.publish_at = None
        publication.save(update_fields=["publish_at", "updated_at"])
        scheduler = audit_last_actor(action="publication.schedule", target=publication)
        publication_publish(
            actor=actor, publication=publication, published_at=when, scheduled_by=scheduler
        )
    return True


def _status_save(publication: Publication, status: str, *fields: str) -> Publication:
    """Store a new status (and `fields` set with it) and announce it."""
    publication.status = status
    publication.save(update_fields=["status", *fields, "updated_at"])
    announce(Topic.PUBLICATIONS, [publication.pk])
    return publication


@transaction.atomic
def publication_submit_for_review(*, actor: Actor, publication: Publication) -> Publication:
    rules.require_change(actor, publication)
    if publication.status != Status.DRAFT:
        raise StateError(f"“{publication}” is {publication.get_status_display()}, not a draft")
    audit_record(actor=actor, action="publication.submit", target=publication)
    return _status_save(publication, Status.REVIEW)


@transaction.atomic
def publication_publish(
    *,
    actor: Actor,
    publication: Publication,
    published_at: dt.datetime | None = None,
    scheduled_by: str | None = None,
) -> Publication:
    """Publish now, or (the scheduler's work) at the time `scheduled_by` chose.

    `scheduled_by` names in the audit entry the staff member who scheduled it, since the
    actor is then the task worker.
    """
    rules.require_publish(actor, publication)
    if publication.status == Status.PUBLISHED:
        raise StateError(f"“{publication}” is already published")
    publication.published_at = published_at or publication.published_at or timezone.now()
    facts = {"scheduled_by": scheduled_by} if scheduled_by is not None else None
    audit_record(actor=actor, action="publication.publish", target=publication, changes=facts)
    return _status_save(publication, Status.PUBLISHED, "published_at")


@transaction.atomic
def publication_unpublish(*, actor: Actor, publication: Publication) -> Publication:
    rules.require_publish(actor, publication)
    if publication.status != Status.PUBLISHED:
        raise StateError(f"“{publication}” is not published")
    audit_record(actor=actor, action="publication.unpublish", target=publication)
    return _status_save(publication, Status.DRAFT)


def publication_set_status(*, actor: Actor, publication: Publication, status: str) -> Publication:
    """Move a publication to `status` through the transitions above."""
    if status not in Status.values:
        raise ValidationError(
            f"unknown status “{status}”",
            where="status",
            hint=f"use one of: {', '.join(Status.values)}",
        )
    with transaction.atomic():
        if status == publication.status:
            return publication
        if status == Status.PUBLISHED:
            return publication_publish(actor=actor, publication=publication)
        if publication.status == Status.PUBLISHED:
            publication_unpublish(actor=actor, publication=publication)
        if status == Status.REVIEW:
            return publication_submit_for_review(actor=actor, publication=publication)
        rules.require_change(actor, publication)
        if publication.status != Status.DRAFT:
            audit_record(actor=actor, action="publication.to_draft", target=publication)
            _status_save(publication, Status.DRAFT)
        return publication


@transaction.atomic
def publication_delete(*, actor: Actor, publication: Publication) -> None:
    """Delete one language version; its translations stay, each then an original.

    Taking a published text off the site is a publication decision, so deleting one
    needs the right to publish as well as to delete.
    """
    rules.require_delete(actor, publication)
    # Recorded before the row goes (it still has its id); a refused delete rolls it back.
    audit_record(actor=actor, action="publication.delete", target=publication)
    pk = publication.pk
    try:
        publication.delete()
    except ProtectedError as exc:
        users = sorted({str(obj) for obj in exc.protected_objects})
        named = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
        raise StateError(
            f"“{publication}” cannot be deleted: {named} still refer to it",
            hint="remove it from those first, or unpublish it instead",
        ) from exc
    media_uses_forget(model=Publication, owner_ids=[pk])
    announce(Topic.PUBLICATIONS, [pk])


@transaction.atomic
def translation_create(
    *,
    actor: Actor,
    original: Publication,
    language: str,
    title: str,
    body: str = "",
    summary: str = "",
    status: str = Status.DRAFT,
    published_at: dt.datetime | None = None,
    date: dt.date | None = None,
    kind: Kind | None = None,
    signatory: Signatory | None = None,
    date_shown: str = DateShown.WRITTEN,
    slug: str = "",
    source_url: str = "",
    legacy_path: str | None = None,
) -> Publication:
    """A translation of `original` (a draft unless told), recording its current revision.

    Kind, date and signatory are the original's unless given.
    """
    new = translation_new(
        original=original,
        language=language,
        title=title,
        body=body,
        summary=summary,
        status=status,
        published_at=published_at,
        date=date,
        kind=kind,
        signatory=signatory,
        date_shown=date_shown,
        slug=slug,
        source_url=source_url,
        legacy_path=legacy_path,
    )
    return publications_create(actor=actor, new=[new])[0]


def translation_new(
    *,
    original: Publication,
    language: str,
    title: str,
    body: str = "",
    summary: str = "",
    status: str = Status.DRAFT,
    published_at: dt.datetime | None = None,
    date: dt.date | None = None,
    kind: Kind | None = None,
    signatory: Signatory | None = None,
    date_shown: str = DateShown.WRITTEN,
    slug: str = "",
    source_url: str = "",
    legacy_path: str | None = None,
) -> NewPublication:
    """A translation for `publications_create`, as `translation_create` makes one."""
    if original.translation_of_id is not None:
        raise ValidationError(
            f"“{original}” is itself a translation",
            where="translation_of",
            hint="translate its original instead",
        )
    return NewPublication(
        kind=kind or original.kind,
        language=language,
        title=title,
        body=body,
        summary=summary,
        date=date or original.date,
        signatory=signatory if signatory is not None else original.signatory,
        status=status,
        published_at=published_at,
        date_shown=date_shown,
        slug=slug,
        source_url=source_url,
        legacy_path=legacy_path,
        translation_of=original,
    )


KIND_FIELDS = ("slug", "names", "plurals", "order")
SIGNATORY_FIELDS = ("slug", "names")


def _names(
    value: Mapping[str, str], *, where: str, stored: Mapping[str, str], required: bool
) -> dict[str, str]:
    """`value` as kinds and signatories store names: one per language code, trimmed, the
    empty ones left out.

    A code must be one of the site's languages, or be `stored` already (the names of a
    language since removed from NASHR_LANGUAGES are kept, not refused); `required` asks
    for a name in the default language, the one every page falls back to.
    """
    names: dict[str, str] = {}
    for code, name in value.items():
        if code not in stored:
            check_language(code, where=f"{where}.{code}")
        if text := str(name or "").strip():
            names[code] = text
    default = default_language()
    if required and default not in names:
        raise ValidationError(
            f"the name in {language_name(default)} must not be empty",
            where=where,
            hint="every page without a name in its own language shows this one",
        )
    return names


def _lookup_fields(obj: Kind | Signatory, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a kind or a signatory as stored: text trimmed, names checked."""
    cleaned: dict[str, Any] = {}
    for field, value in fields.items():
        if field in {"names", "plurals"}:
            cleaned[field] = _names(
                value, where=field, stored=getattr(obj, field), required=field == "names"
            )
        elif isinstance(value, str):
            cleaned[field] = value.strip()
        else:
            cleaned[field] = value
    if "slug" in cleaned and not cleaned["slug"]:
        raise ValidationError("slug must not be empty", where="slug")
    return cleaned


def _lookup_update(
    obj: Kind | Signatory,
    changes: dict[str, Any],
    *,
    actor: Actor,
    permission: str,
    allowed: tuple[str, ...],
) -> None:
    """Change a kind or a signatory (the lists publications choose from) and record it."""
    entity = obj._meta.model_name
    require(actor, permission, action=f"change the {entity} “{obj.slug}”")
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(f"cannot change {', '.join(sorted(unknown))}")
    before = audit_snapshot(obj, changes)
    for field, value in _lookup_fields(obj, changes).items():
        setattr(obj, field, value)
    obj.save()
    if changed := audit_diff(before, obj):
        audit_record(actor=actor, action=f"{entity}.update", target=obj, changes=changed)
        # A renamed kind or signatory shows on every page that names it.
        announce(Topic.KINDS if isinstance(obj, Kind) else Topic.SIGNATORIES, [obj.pk])


@transaction.atomic
def kind_create(
    *,
    actor: Actor,
    slug: str,
    names: Mapping[str, str],
    plurals: Mapping[str, str] | None = None,
    order: int = 0,
) -> Kind:
    """A new kind of publication (statement, article… or one an organization adds).

    `names` and `plurals` map language codes to text ({"fa": "بیانیه", "en": "Statement"});
    the name in the site's default language is required, the others fall back to it.
    """
    require(actor, rules.KIND_ADD, action="add a kind of publication")
    kind = Kind()
    fields = _lookup_fields(
        kind, {"slug": slug, "names": names, "plurals": plurals or {}, "order": order}
    )
    if Kind.objects.filter(slug=fields["slug"]).exists():
        raise ValidationError(f"a kind “{fields['slug']}” exists already", where="slug")
    for field, value in fields.items():
        setattr(kind, field, value)
    kind.save()
    audit_record(actor=actor, action="kind.create", target=kind)
    # Every page's navigation lists the kinds.
    announce(Topic.KINDS, [kind.pk])
    return kind


@transaction.atomic
def kind_update(*, actor: Actor, kind: Kind, **changes: Any) -> Kind:
    """Change any of `KIND_FIELDS`; `names` and `plurals` given replace the stored ones."""
    _lookup_update(kind, changes, actor=actor, permission=rules.KIND_CHANGE, allowed=KIND_FIELDS)
    return kind


@transaction.atomic
def signatory_create(*, actor: Actor, slug: str, names: Mapping[str, str]) -> Signatory:
    """A body that issues publications: a committee, a coalition, an office.

    `names` maps language codes to its name; the one in the default language is required.
    """
    require(actor, rules.SIGNATORY_ADD, action="add a signatory")
    signatory = Signatory()
    fields = _lookup_fields(signatory, {"slug": slug, "names": names})
    if Signatory.objects.filter(slug=fields["slug"]).exists():
        raise ValidationError(f"a signatory “{fields['slug']}” exists already", where="slug")
    for field, value in fields.items():
        setattr(signatory, field, value)
    signatory.save()
    audit_record(actor=actor, action="signatory.create", target=signatory)
    announce(Topic.SIGNATORIES, [signatory.pk])
    return signatory


@transaction.atomic
def signatory_update(*, actor: Actor, signatory: Signatory, **changes: Any) -> Signatory:
    """Change any of `SIGNATORY_FIELDS`; `names` given replace the stored ones."""
    _lookup_update(
        signatory,
        changes,
        actor=actor,
        permission=rules.SIGNATORY_CHANGE,
        allowed=SIGNATORY_FIELDS,
    )
    return signatory
