"""Every write to series and issues goes through these functions.

Each takes the `actor` doing it and checks the actor's permissions first, so the admin,
the `bulletin` command, the demo and the benchmarks obey the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nashr.audit.selectors import audit_last_actor
from nashr.audit.services import audit_diff, audit_record, audit_snapshot
from nashr.bulletins import selectors
from nashr.bulletins.document import build_document
from nashr.bulletins.models import Bulletin, BulletinItem, BulletinStatus, Series
from nashr.core import calendars
from nashr.core.actors import Actor, require
from nashr.core.changes import Topic, announce
from nashr.core.content import media_references
from nashr.core.exceptions import StateError, ValidationError
from nashr.core.languages import check_language
from nashr.core.one_line import check_one_line
from nashr.core.schedule import check_not_past, run_due_at
from nashr.media.services import media_uses_forget, media_uses_record
from nashr.publications.models import Kind, Publication, Signatory, Status
from nashr.publications.services import unschedule_unreviewed

PUBLISH = "bulletins.publish_bulletin"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ITEM_ORDER_STEP = 10
ITEM_FIELDS = ("publication", "order", "mode", "title", "text", "slogan", "signatory", "date")
SERIES_AUDITED = ("title", "language", "label", "colophon", "first_number")
BULLETIN_AUDITED = (
    "series",
    "period_year",
    "period_month",
    "editorial_title",
    "editorial_body",
    "correction_note",
)


@transaction.atomic
def series_create_or_update(
    *,
    actor: Actor,
    slug: str,
    title: str,
    language: str,
    label: str | None = None,
    first_number: int | None = None,
    colophon: str | None = None,
    kinds: Iterable[Kind] | None = None,
) -> tuple[Series, bool]:
    """Create the series `slug` or update it; returns it and whether it was created.

    Options left as None keep their current value on an update.
    """
    series = Series.objects.select_for_update().filter(slug=slug).first()
    created = series is None
    if series is None:
        require(actor, "bulletins.add_series", action="create a bulletin series")
        series = Series(slug=slug)
    else:
        require(actor, "bulletins.change_series", action=f"change the series “{slug}”")
    before = audit_snapshot(series, SERIES_AUDITED)
    if not SLUG_RE.match(slug):
        raise ValidationError(
            f"“{slug}” is not a usable slug",
            where="slug",
            hint="use lower-case letters, digits and hyphens, e.g. iran-bulletin",
        )
    if not title.strip():
        raise ValidationError("a series needs a title", where="title")
    # The title names the sender of every issue (From) and starts its subject.
    check_one_line(title.strip(), where="title")
    if label is not None:
        check_one_line(label.strip(), where="label")
    check_language(language)
    if not created and series.language != language and series.bulletins.exists():
        raise ValidationError(
            f"series “{slug}” already has issues in “{series.language}”",
            where="language",
            hint="create a new series for another language",
        )
    if first_number is not None:
        if first_number < 1:
            raise ValidationError(
                f"first number {first_number} must be 1 or more", where="first-number"
            )
        if series.last_number is not None and first_number <= series.last_number:
            raise ValidationError(
                f"numbers up to {series.last_number} have already been given in “{slug}”",
                where="first-number",
                hint=f"give a number above {series.last_number}, or leave it out",
            )
        series.first_number = first_number
    series.title = title.strip()
    series.language = language
    if label is not None:
        series.label = label.strip()
    if colophon is not None:
        series.colophon = colophon.strip()
    series.save()
    if kinds is not None:
        series.kinds.set(list(kinds))
    action = "series.create" if created else "series.update"
    audit_record(actor=actor, action=action, target=series, changes=audit_diff(before, series))
    # The series' title and label head its pages and every issue's.
    announce(Topic.SERIES, [series.pk])
    return series, created


def _uses_record(bulletin: Bulletin) -> None:
    """The uploads the issue's editorial and its items' own texts show or link (`MediaUse`)."""
    texts = [bulletin.editorial_body, *bulletin.items.values_list("text", flat=True)]
    uses = set().union(*(media_references(text) for text in texts))
    media_uses_record(model=Bulletin, uses={bulletin.pk: uses})


def bulletin_period_validate(*, year: int, month: int, language: str) -> None:
    """A month of the series' calendar, in a plausible year of it."""
    calendars.check_year(year, calendar=calendars.calendar_of(language), where="year")
    calendars.month_bounds(year, month, language)


def _require_draft(bulletin: Bulletin, *, what: str, where: str) -> None:
    if bulletin.status != BulletinStatus.DRAFT:
        raise StateError(
            f"the {what} of issue {bulletin.number} of “{bulletin.series.slug}” cannot change: "
            "it is published",
            where=where,
            hint="draft a new issue instead",
        )


@transaction.atomic
def bulletin_draft(
    *,
    actor: Actor,
    series: Series,
    year: int | None = None,
    month: int | None = None,
    editorial_title: str = "",
    editorial_body: str = "",
    propose: bool = True,
) -> Bulletin:
    """A draft issue proposing every publication the series has not carried yet.

    The period defaults to the current month of the series' calendar. `propose=False`
    leaves it empty (the admin's form brings its own items).
    """
    require(actor, "bulletins.add_bulletin", action=f"draft an issue of “{series.slug}”")
    if (year is None) != (month is None):
        raise ValidationError("give both the year and the month, or neither", where="month")
    if year is None or month is None:
        year, month = calendars.month_of(timezone.localdate(), series.language)
    bulletin_period_validate(year=year, month=month, language=series.language)
    bulletin = Bulletin.objects.create(
        series=series,
        period_year=year,
        period_month=month,
        editorial_title=editorial_title.strip(),
        editorial_body=editorial_body.strip(),
    )
    if propose:
        BulletinItem.objects.bulk_create(
            BulletinItem(bulletin=bulletin, publication=publication, order=index * ITEM_ORDER_STEP)
            for index, publication in enumerate(selectors.bulletin_proposal(series=series), 1)
        )
    _uses_record(bulletin)
    audit_record(actor=actor, action="bulletin.draft", target=bulletin)
    return bulletin


def bulletin_publish(
    *,
    actor: Actor,
    bulletin: Bulletin,
    published_at: dt.datetime | None = None,
    scheduled_by: str | None = None,
) -> Bulletin:
    """Give the draft the series' next number and freeze its document.

    The series row is locked first (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transactions lock the whole database at BEGIN), so two editors publishing
    at once get consecutive numbers; the unique constraint on (series, number) is the
    last guard. Numbers come from `Series.last_number`, so a number is never given twice.
    `scheduled_by` names in the audit entry the staff member who scheduled it, when the
    task worker publishes it at their time.
    """
    require(actor, PUBLISH, action=f"publish bulletin {bulletin.pk}")
    with transaction.atomic():
        series = Series.objects.select_for_update().get(pk=bulletin.series_id)
        current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if current.status != BulletinStatus.DRAFT:
            raise StateError(
                f"issue {current.pk} of “{series.slug}” is already published as number "
                f"{current.number}",
                hint="publish a corrected edition instead",
            )
        if not current.items.exists() and not current.editorial_body.strip():
            raise ValidationError(
                f"draft {current.pk} has no items and no editorial",
                hint="add items in the admin before publishing",
            )
        number = selectors.series_next_number(series=series)
        series.last_number = number
        series.save(update_fields=["last_number", "updated_at"])
        current.series = series
        current.number = number
        current.status = BulletinStatus.PUBLISHED
        current.published_at = published_at or timezone.now()
        current.document = build_document(bulletin=current)
        current.save()
        facts: dict[str, object] = {"number": number}
        if scheduled_by is not None:
            facts["scheduled_by"] = scheduled_by
        audit_record(actor=actor, action="bulletin.publish", target=current, changes=facts)
        announce(Topic.BULLETINS, [current.pk])
    bulletin.refresh_from_db()
    return bulletin


@transaction.atomic
def bulletin_correct(*, actor: Actor, bulletin: Bulletin, note: str = "") -> Bulletin:
    """A corrected edition: the document frozen again from the items as they are now.

    The number stays; the edition count goes up and the issue says it was corrected.
    """
    require(
        actor,
        PUBLISH,
        action=f"publish a corrected edition of bulletin {bulletin.pk}",
    )
    current = Bulletin.objects.select_for_update().select_related("series").get(pk=bulletin.pk)
    if current.status != BulletinStatus.PUBLISHED:
        raise StateError(
            f"draft {current.pk} is not published yet", hint="publish it instead of correcting"
        )
    current.edition += 1
    current.corrected_at = timezone.now()
    current.correction_note = note.strip()
    current.document = build_document(bulletin=current)
    current.save()
    facts = {"edition": current.edition, "note": current.correction_note}
    audit_record(actor=actor, action="bulletin.correct", target=current, changes=facts)
    announce(Topic.BULLETINS, [current.pk])
    bulletin.refresh_from_db()
    return bulletin


@transaction.atomic
def bulletin_update(
    *,
    actor: Actor,
    bulletin: Bulletin,
    series: Series | None = None,
    period_year: int | None = None,
    period_month: int | None = None,
    editorial_title: str | None = None,
    editorial_body: str | None = None,
    correction_note: str | None = None,
) -> Bulletin:
    """Change an issue's editorial fields; its series and period only while it is a draft.

    Arguments left as None keep their current value. A published issue's readers see the
    change once a corrected edition is published.
    """
    require(actor, "bulletins.change_bulletin", action=f"change bulletin {bulletin.pk}")
    current = Bulletin.objects.select_for_update().select_related("series").get(pk=bulletin.pk)
    before = audit_snapshot(current, BULLETIN_AUDITED)
    moved = False
    if series is not None and series.pk != current.series_id:
        _require_draft(current, what="series", where="series")
        current.series = series
        moved = True
    year = current.period_year if period_year is None else period_year
    month = current.period_month if period_month is None else period_month
    if (year, month) != (current.period_year, current.period_month):
        _require_draft(current, what="period", where="period_year")
        current.period_year, current.period_month = year, month
        moved = True
    if moved:
        bulletin_period_validate(year=year, month=month, language=current.series.language)
    if editorial_title is not None:
        current.editorial_title = editorial_title.strip()
    if editorial_body is not None:
        current.editorial_body = editorial_body.strip()
    if correction_note is not None:
        current.correction_note = correction_note.strip()
    current.save()
    _uses_record(current)
    if changed := audit_diff(before, current):
        audit_record(actor=actor, action="bulletin.update", target=current, changes=changed)
        _unschedule_unreviewed(actor=actor, bulletin=current, changed=sorted(changed))
    return current


def _unschedule_unreviewed(*, actor: Actor, bulletin: Bulletin, changed: list[str]) -> None:
    """The issue's schedule cancelled when someone who may not publish issues changed it."""
    unschedule_unreviewed(
        actor=actor,
        scheduled=bulletin,
        may_publish=actor.has_perm(PUBLISH),
        action="bulletin.unschedule",
        changed=changed,
    )


@dataclass(frozen=True)
class ItemSpec:
    """One entry of an issue as an editor sets it; empty texts take the publication's own.

    `pk` names the existing item it keeps (None: a new item).
    """

    pk: int | None = None
    publication: Publication | None = None
    order: int = 0
    mode: str = BulletinItem.Mode.FULL
    title: str = ""
    text: str = ""
    slogan: str = ""
    signatory: Signatory | None = None
    date: dt.date | None = None

    def name(self, number: int) -> str:
        """How an error names the item: its position and its title."""
        title = self.title.strip() or (self.publication.title if self.publication else "")
        return f"item {number} (“{title}”)" if title else f"item {number}"


def _item_problem(spec: ItemSpec, number: int, seen: dict[int, int]) -> tuple[str, str] | None:
    """What is wrong with item `number`, named in the message, and what to do; None if
    nothing."""
    name = spec.name(number)
    if spec.publication is None and not spec.title.strip():
        return (
            f"{name} has neither a publication nor a title",
            "choose a publication or give a title",
        )
    if spec.mode not in BulletinItem.Mode.values:
        return (
            f"{name} has an unknown text mode “{spec.mode}”",
            f"use one of: {', '.join(BulletinItem.Mode.values)}",
        )
    if spec.order < 0:
        return f"{name} has the order {spec.order}", "give 0 or more"
    for field in ("title", "slogan"):
        limit = getattr(BulletinItem._meta.get_field(field), "max_length", 0)
        if len(getattr(spec, field)) > limit:
            return f"{name} has a {field} longer than {limit} characters", "shorten it"
    if spec.publication is not None:
        if spec.publication.status != Status.PUBLISHED:
            # The one an editor meets in the admin (a draft picked by its id): in their language.
            title = spec.title.strip() or spec.publication.title
            return (
                _("item %(number)s (“%(title)s”) carries a publication that is not published")
                % {"number": number, "title": title},
                _("publish it, or remove the item"),
            )
        if spec.publication.pk in seen:
            return (
                f"{name} carries the same publication as item {seen[spec.publication.pk]}",
                "remove one of them",
            )
    return None


@transaction.atomic
def bulletin_items_set(*, actor: Actor, bulletin: Bulletin, items: Sequence[ItemSpec]) -> Bulletin:
    """Replace the issue's items by `items`, all of them or none.

    The items of a published issue may change too: readers see them once a corrected
    edition is published.
    """
    require(
        actor, "bulletins.change_bulletin", action=f"change the items of bulletin {bulletin.pk}"
    )
    current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    existing = {item.pk: item for item in current.items.select_related("publication", "signatory")}
    items_before = [audit_snapshot(item, ITEM_FIELDS) for item in existing.values()]
    seen: dict[int, int] = {}
    for number, spec in enumerate(items, 1):
        problem = _item_problem(spec, number, seen)
        if spec.pk is not None and spec.pk not in existing:
            problem = (
                f"{spec.name(number)} is not an item of bulletin {current.pk}",
                "reload the page: another editor may have removed it",
            )
        if problem is not None:
            message, hint = problem
            raise ValidationError(message, where="items", hint=hint)
        if spec.publication is not None:
            seen[spec.publication.pk] = number
    kept: list[BulletinItem] = []
    new: list[BulletinItem] = []
    for spec in items:
        item = existing[spec.pk] if spec.pk is not None else BulletinItem(bulletin=current)
        item.publication = spec.publication
        item.order = spec.order
        item.mode = spec.mode
        item.title = spec.title.strip()
        item.text = spec.text.strip()
        item.slogan = spec.slogan.strip()
        item.signatory = spec.signatory
        item.date = spec.date
        (kept if spec.pk is not None else new).append(item)
    current.items.exclude(pk__in=[item.pk for item in kept]).delete()
    BulletinItem.objects.bulk_update(kept, ITEM_FIELDS)
    BulletinItem.objects.bulk_create(new)
    _uses_record(current)
    items_after = [audit_snapshot(item, ITEM_FIELDS) for item in sorted(kept + new, key=_order)]
    if items_after != items_before:
        changed = {"items": [items_before, items_after]}
        audit_record(actor=actor, action="bulletin.items_set", target=current, changes=changed)
        _unschedule_unreviewed(actor=actor, bulletin=current, changed=["items"])
    return current


def _order(item: BulletinItem) -> int:
    return item.order


def bulletin_deletable(*, bulletin: Bulletin) -> bool:
    """Only a draft may be deleted: a published number is never reused, and its page stays."""
    return bulletin.status == BulletinStatus.DRAFT


@transaction.atomic
def bulletin_delete(*, actor: Actor, bulletin: Bulletin) -> None:
    """Delete a draft and its items."""
    require(actor, "bulletins.delete_bulletin", action=f"delete bulletin {bulletin.pk}")
    current = Bulletin.objects.select_for_update().select_related("series").get(pk=bulletin.pk)
    if not bulletin_deletable(bulletin=current):
        raise StateError(
            f"issue {current.number} of “{current.series.slug}” is published and stays in the "
            "archive",
            hint="publish a corrected edition to change it",
        )
    audit_record(actor=actor, action="bulletin.delete", target=current)
    pk = current.pk
    current.delete()
    media_uses_forget(model=Bulletin, owner_ids=[pk])
    # Only drafts are deleted, which no public page shows; told all the same, so a rule
    # that lets published issues go one day cannot leave their pages behind.
    announce(Topic.BULLETINS, [pk])


def _check_moment(when: dt.datetime | None, *, where: str) -> None:
    if when is not None and timezone.is_naive(when):
        raise ValidationError("a time needs its time zone", where=where)


@transaction.atomic
def bulletin_schedule(
    *, actor: Actor, bulletin: Bulletin, publish_at: dt.datetime | None
) -> Bulletin:
    """Have the task worker publish the draft at `publish_at` (None: not scheduled); a time
    already past is refused (it would publish the issue at once, back-dated)."""
    require(actor, PUBLISH, action=f"schedule bulletin {bulletin.pk}")
    _check_moment(publish_at, where="publish_at")
    check_not_past(
        publish_at,
        where="publish_at",
        hint=_(
            "check the date and the time; to publish the issue now, leave the publishing "
            "time empty and publish it"
        ),
    )
    current = Bulletin.objects.select_for_update().select_related("series").get(pk=bulletin.pk)
    if publish_at is not None:
        _require_draft(current, what="publishing time", where="publish_at")
    before = audit_snapshot(current, ["publish_at"])
    current.publish_at = publish_at
    current.save(update_fields=["publish_at", "updated_at"])
    if changed := audit_diff(before, current):
        audit_record(actor=actor, action="bulletin.schedule", target=current, changes=changed)
    if publish_at is not None:
        run_due_at(publish_at)
    return current


def bulletin_publish_if_due(*, actor: Actor, pk: int) -> bool:
    """Publish the draft `pk` through `bulletin_publish` if its time has come; whether it was.

    The scheduler's work (nashr.core.schedule). A draft that cannot be published (no
    items) stays scheduled and is recorded as refused in the audit trail; the others go
    ahead. The issue bears its scheduled time as its publishing time.
    """
    bulletin = (
        Bulletin.objects.filter(pk=pk, status=BulletinStatus.DRAFT, publish_at__lte=timezone.now())
        .select_related("series")
        .first()
    )
    if bulletin is None:
        return False
    try:
        with transaction.atomic():
            # A worker running the same task at the same moment finds nothing to do.
            if not Bulletin.objects.filter(
                pk=pk, status=BulletinStatus.DRAFT, publish_at__lte=timezone.now()
            ).update(publish_at=None):
                return False
            bulletin_publish(
                actor=actor,
                bulletin=bulletin,
                published_at=bulletin.publish_at,
                scheduled_by=audit_last_actor(action="bulletin.schedule", target=bulletin),
            )
    except (StateError, ValidationError) as exc:
        audit_record(
            actor=actor,
            action="bulletin.schedule_failed",
            target=bulletin,
            changes={"error": str(exc)},
        )
        return False
    return True
