"""Items of another system (WordPress, Drupal 7, a feed) saved as publications, all or nothing.

Each reader (``wordpress``, ``drupal7``, ``feeds``) turns its source into ``Item``s;
this module decides the rest, once for all of them:

- **Again**: an item is matched on its id in the old system (``ImportedItem``); one
  already imported is left as it is, so a second run brings in only what was added
  since (and comments added since, to publications old or new).
- **Kind**: the kind map (``--kind-map``: ``label = kind`` lines) is tried for each of
  the item's labels in order (``post_type:page``, ``category:statements``,
  ``type:article``); else ``--kind``; else the first kind. The report lists each label
  with the kind it led to, so a dry run shows what a kind map should say.
- **Translations**: items sharing a group (Polylang's ``post_translations`` term,
  WPML's translation group, Drupal's ``tnid``) share a translation key. The original is
  the group's publication already in the database, else the one the old system calls
  the original (Drupal's source node), else the Persian item, else the earliest. Slugs
  play no part, so translations sharing a slug never collide.
- **Status**: published items keep their time of publication; drafts stay drafts and
  pending ones go to review; a scheduled one stays unpublished with ``publish_at`` set
  (the task worker publishes it then); an item in the trash is not imported and its old
  addresses answer 410.
- **Languages**: an item in a language the site does not publish (``NASHR_LANGUAGES``)
  blocks the run, unless ``--skip-other-languages``: then it is left out (its comments
  and old addresses with it), the report lists it, and a translation of it stands as an
  original. A refused dry run still reports what the rest would give.
- **Comments**: closed on the old site (Drupal's ``comment = 1``, WordPress's
  ``comment_status`` closed), the old comments are shown and no new one is taken;
  hidden (Drupal's ``comment = 0``), none is shown (``comments.CommentPolicy``).
- **Pages of labels** (a Drupal term's ``taxonomy/term/N`` and its alias): redirected to
  the list of the kind the kind map names for the label; else reported.
- **Problems**: what blocks the import (an unsupported language, a kind map naming an
  unknown kind) fails the whole run; what is only lost (an unknown shortcode, a missing
  image, a comment on nothing, an author who is no signatory) is reported with the
  item's id and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from nashr.audit.services import audit_batched, audit_record
from nashr.comments.models import Comment
from nashr.comments.services import (
    CLOSED,
    HIDDEN,
    OPEN,
    ImportedComment,
    comment_policies_import,
    comments_import,
)
from nashr.core.actors import Actor
from nashr.core.changes import Topic, announce, changes_batched
from nashr.core.exceptions import ApplicationError
from nashr.core.languages import codes, default_language
from nashr.importers.checks import Lookup, detect_language, fold
from nashr.importers.markup import Markup
from nashr.importers.models import ImportedItem
from nashr.importers.problems import Problem, import_failed
from nashr.importers.saving import signatory_named
from nashr.publications import services
from nashr.publications.models import Kind, OldAddress, Publication, Signatory, Status
from nashr.publications.old_addresses import normalize_path

KEY_NAMESPACE = uuid.UUID("5b0f3c52-7d0c-4f7e-9d0a-6a1c1f0f4a10")
PROGRESS_MIN_ITEMS = 20
# Rows written in one statement (ImportedItem, OldAddress, lookups by id).
BATCH = 500
SCHEDULED, TRASHED = "scheduled", "trashed"
T = TypeVar("T")


@dataclass
class OldComment:
    source_id: str
    name: str
    body: str
    created_at: dt.datetime
    # approved, pending, or spam (dropped)
    status: str
    email: str = ""
    parent_id: str = ""


@dataclass
class Item:
    """One post, page or node as its reader found it."""

    source_id: str
    where: str
    title: str
    body: str
    date: dt.date
    status: str
    language: str = ""
    paragraphs: bool = True
    summary: str = ""
    published_at: dt.datetime | None = None
    publish_at: dt.datetime | None = None
    labels: list[str] = field(default_factory=list)
    author: str = ""
    slug: str = ""
    old_paths: list[str] = field(default_factory=list)
    group: str = ""
    # The old system's own original of the group (Drupal's source node), when it says.
    original: bool = False
    comments: list[OldComment] = field(default_factory=list)
    # OPEN, CLOSED (old comments shown, no new ones) or HIDDEN (none shown), as it was.
    comments_state: str = OPEN
    # Set while importing.
    kind: Kind | None = None
    body_clean: str = ""
    translation_of: Item | Publication | None = None
    publication: Publication | None = None


@dataclass
class LabelPage:
    """A page the old site had for a label (a Drupal term): its addresses."""

    label: str
    where: str
    old_paths: list[str]


@dataclass
class SourceReport:
    """What a run did (or, dry, would do)."""

    source: str
    dry_run: bool
    kinds: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    translations: int = 0
    already: int = 0
    trashed: int = 0
    comments: Counter[str] = field(default_factory=Counter)
    old_addresses: int = 0
    # label → the kinds its items got, with how many of each
    labels: dict[str, Counter[str]] = field(default_factory=dict)
    label_counts: Counter[str] = field(default_factory=Counter)
    comments_closed: Counter[str] = field(default_factory=Counter)
    # Items in a language the site does not publish, left out (--skip-other-languages).
    left_out: list[Problem] = field(default_factory=list)
    # Authors who are no signatory here (without --create-signatories): where they wrote.
    unsigned: dict[str, list[str]] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(self.kinds.values())


@dataclass
class Options:
    """What the command line says about a run of any of the readers."""

    kind_map: dict[str, str] = field(default_factory=dict)
    kind: str = ""
    create_signatories: bool = False
    uploads: Path | None = None
    dry_run: bool = False
    progress: bool = False
    # Leave out (and report) items in a language the site does not publish.
    skip_other_languages: bool = False


def read_kind_map(path: Path) -> dict[str, str]:
    """``label = kind`` lines (``#`` starts a comment); a bad line fails the run."""
    mapping: dict[str, str] = {}
    problems = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise import_failed([Problem(str(path), f"cannot be read: {exc}")]) from exc
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        label, sep, kind = text.partition("=")
        if not sep or not label.strip() or not kind.strip():
            problems.append(
                Problem(
                    str(path),
                    "expected “label = kind”",
                    line=number,
                    hint="for example: category:statements = statement",
                )
            )
            continue
        mapping[label.strip().lower()] = kind.strip()
    if problems:
        raise import_failed(problems)
    return mapping


def group_key(source: str, group: str) -> uuid.UUID:
    """The translation key of a group of the old system: the same on every run."""
    return uuid.uuid5(KEY_NAMESPACE, f"{source}:{group}")


def items_import(
    *,
    actor: Actor,
    source: str,
    items: Sequence[Item],
    markup: Markup,
    options: Options,
    problems: Sequence[Problem] = (),
    label_pages: Sequence[LabelPage] = (),
) -> SourceReport:
    """Save the new items, their old addresses and comments; all or nothing.

    Raises ImportFailed listing every problem that blocks the import; then nothing is
    saved (the images' files it stored stay, shown by nothing: see ``uploads``). A dry
    run's ImportFailed carries the report of what the rest would give.
    """
    report = SourceReport(source=source, dry_run=options.dry_run)
    found = list(problems)
    with transaction.atomic(), _items_frozen():
        # Batched: the search index and the audit trail take the new publications
        # in a few statements at the end, inside this transaction, not one by one.
        with audit_batched(), changes_batched():
            _run(actor, source, items, markup, options, report, found, label_pages)
            if found:
                failed = import_failed(found, unit="item")
                if options.dry_run:
                    failed.report = report_lines(report)
                raise failed
            if report.created or report.old_addresses or _comments_created(report):
                audit_record(
                    actor=actor,
                    action="publication.import",
                    label=source,
                    changes=_facts(report),
                )
        if options.dry_run:
            transaction.set_rollback(True)
    return report


@contextmanager
def _items_frozen() -> Iterator[None]:
    """The cyclic garbage collector leaves alone what exists when the run starts, and
    what each batch of saved items leaves alive (``_save_batch`` freezes it).

    A run of 20,000 items keeps them alive (with their publications) until it ends,
    and each full collection would walk them all again: a tenth of the run's time.
    What they hold is freed by reference counting as usual; only cycles left when a
    batch ends wait for the run's end (``gc.unfreeze`` hands them back).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _facts(report: SourceReport) -> dict[str, Any]:
    """What the audit trail keeps of a run (each publication has its own entry too)."""
    return {
        "source": report.source,
        "created": report.created,
        "languages": dict(report.languages),
        "translations": report.translations,
        "already_imported": report.already,
        "comments": dict(report.comments),
        "comments_closed": dict(report.comments_closed),
        "left_out": [problem.path for problem in report.left_out],
        "old_addresses": report.old_addresses,
    }


def _comments_created(report: SourceReport) -> int:
    return report.comments["approved"] + report.comments["pending"]


def _run(
    actor: Actor,
    source: str,
    items: Sequence[Item],
    markup: Markup,
    options: Options,
    report: SourceReport,
    problems: list[Problem],
    label_pages: Sequence[LabelPage],
) -> None:
    lookup = Lookup()
    existing = _existing(source, [item.source_id for item in items])
    kinds = _kind_chooser(lookup, options, problems)
    new: list[Item] = []
    seen: dict[str, Item] = {}
    # Items not imported: in another language (left out), or refused (a dry run goes on
    # without them, to report what the rest would give).
    outside: list[Item] = []
    for item in items:
        if item.source_id in seen:
            report.notes.append(
                Problem(
                    item.where,
                    f"id {item.source_id} again (first at {seen[item.source_id].where}): "
                    "only the first is imported",
                )
            )
            continue
        seen[item.source_id] = item
        if item.status == TRASHED:
            report.trashed += 1
            continue
        if item.source_id in existing:
            item.publication = existing[item.source_id]
            report.already += 1
            continue
        language = _language(item)
        if language not in codes():
            outside.append(item)
            if options.skip_other_languages:
                report.left_out.append(_left_out(item))
            else:
                problems.append(
                    Problem(
                        item.where,
                        f"“{item.language}” is not one of this site's languages",
                        field="language",
                        hint=f"this site publishes in {', '.join(codes())}; pass "
                        "--skip-other-languages to import the rest and list these, or add "
                        "the language to NASHR_LANGUAGES",
                    )
                )
            continue
        item.language = language
        item.kind = kinds(item, report)
        converted = markup.convert(item.body, paragraphs=item.paragraphs, language=item.language)
        item.body_clean = converted.body
        report.notes.extend(Problem(item.where, note) for note in converted.notes)
        new.append(item)
    if problems and not options.dry_run:
        return
    left = {item.source_id for item in outside}
    _link_groups(source, [i for i in items if i.source_id not in left], new, existing, report)
    _stand_alone(outside, new, report)
    ordered = sorted(new, key=lambda i: (i.translation_of is not None, i.date, i.source_id))
    signatories: dict[str, Signatory] = {}
    batch: list[tuple[Item, services.NewPublication]] = []
    for item in _progress(ordered, options.progress, "saving"):
        # Originals come first, and are saved before their translations are made.
        if batch and item.translation_of is not None and batch[-1][0].translation_of is None:
            _save_batch(actor, batch, problems, report)
        try:
            new_publication = _new(
                actor, item, lookup, signatories, options, source=source, report=report
            )
        except ApplicationError as exc:
            problems.append(Problem(item.where, exc.message, field=exc.where or None))
            continue
        batch.append((item, new_publication))
        if len(batch) >= BATCH:
            _save_batch(actor, batch, problems, report)
    _save_batch(actor, batch, problems, report)
    report.notes.extend(_unsigned_notes(report))
    if problems and not options.dry_run:
        return
    saved = [item for item in ordered if item.publication is not None]
    ImportedItem.objects.bulk_create(
        [
            ImportedItem(source=source, source_id=item.source_id, publication=item.publication)
            for item in saved
        ],
        batch_size=BATCH,
    )
    kept = [
        item
        for item in seen.values()
        if item.source_id not in left and (item.publication is not None or item.status == TRASHED)
    ]
    report.old_addresses = _old_addresses(kept, report)
    report.old_addresses += _label_addresses(label_pages, options, lookup, report)
    _comments(actor, source, kept, report)
    _comment_policies(actor, saved, report)


def _left_out(item: Item) -> Problem:
    """The line of the report for an item left out for its language."""
    what = f"in “{item.language}”, a language this site does not publish: left out"
    comments = sum(c.status in {"approved", "pending"} for c in item.comments)
    if comments:
        what += f" with its {comments} comment(s)"
    return Problem(item.where, what)


def _stand_alone(outside: list[Item], new: list[Item], report: SourceReport) -> None:
    """Say which translations stand as originals, their original being left out."""
    originals = {item.group: item for item in outside if item.group and item.original}
    for item in new:
        gone = originals.get(item.group)
        if gone is not None and item.translation_of is None:
            report.notes.append(
                Problem(
                    item.where,
                    f"its original {gone.source_id} is not imported: imported as an original",
                )
            )


def _existing(source: str, ids: list[str]) -> dict[str, Publication]:
    found: dict[str, Publication] = {}
    for start in range(0, len(ids), 500):
        rows = ImportedItem.objects.filter(
            source=source, source_id__in=ids[start : start + 500]
        ).select_related("publication")
        found.update({row.source_id: row.publication for row in rows})
    return found


def _language(item: Item) -> str:
    """The item's language as a base code ("fa" for "fa_IR"); detected when it says none."""
    raw = item.language.replace("_", "-").split("-")[0].lower()
    if not raw or raw in {"und", "zxx"}:
        return detect_language(f"{item.title} {item.body}")
    return raw


def _kind_chooser(
    lookup: Lookup, options: Options, problems: list[Problem]
) -> Callable[[Item, SourceReport], Kind | None]:
    """A function giving an item's kind by the kind map, ``--kind``, or the first kind."""
    mapped: dict[str, Kind] = {}
    for label, name in options.kind_map.items():
        kind = lookup.kinds.get(fold(name))
        if kind is None:
            problems.append(
                Problem(
                    "--kind-map",
                    f"unknown kind “{name}” for {label}",
                    field=label,
                    hint=f"use one of: {', '.join(lookup.kind_slugs)}; an administrator adds kinds",
                )
            )
        else:
            mapped[label] = kind
    default_name = options.kind or options.kind_map.get("default", "")
    default = lookup.kinds.get(fold(default_name)) if default_name else Kind.objects.first()
    if default is None:
        problems.append(
            Problem(
                "--kind",
                f"unknown kind “{default_name}”" if default_name else "no kinds exist",
                hint=f"use one of: {', '.join(lookup.kind_slugs) or '(none: add one)'}",
            )
        )

    def choose(item: Item, report: SourceReport) -> Kind | None:
        chosen = None
        for label in item.labels:
            report.label_counts[label] += 1
            if chosen is None and label.lower() in mapped:
                chosen = mapped[label.lower()]
        chosen = chosen or default
        for label in item.labels:
            if chosen is not None:
                report.labels.setdefault(label, Counter())[chosen.slug] += 1
        return chosen

    return choose


def _link_groups(
    source: str,
    items: Sequence[Item],
    new: list[Item],
    existing: dict[str, Publication],
    report: SourceReport,
) -> None:
    """Decide each new item's original within its group of translations."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        if item.group and item.status != TRASHED:
            groups.setdefault(item.group, []).append(item)
    for group, members in groups.items():
        in_db = [existing[m.source_id] for m in members if m.source_id in existing]
        fresh = [m for m in members if m.source_id not in existing]
        if not fresh:
            continue
        original: Item | Publication
        if in_db:
            original = in_db[0].translation_of or in_db[0]
        else:
            marked = [m for m in fresh if m.original]
            in_default = [m for m in fresh if m.language == default_language()]
            by_date = sorted(fresh, key=lambda m: (m.date, m.source_id))
            original = (marked or in_default or by_date)[0]
        languages = {original.language}
        languages.update(p.language for p in in_db)
        for item in fresh:
            if item is original:
                continue
            if item.language in languages:
                report.notes.append(
                    Problem(
                        item.where,
                        f"a second “{item.language}” version in translation group {group}: "
                        "imported as a publication of its own",
                    )
                )
                item.group = ""
                continue
            languages.add(item.language)
            item.translation_of = original


def _new(
    actor: Actor,
    item: Item,
    lookup: Lookup,
    signatories: dict[str, Signatory],
    options: Options,
    *,
    source: str,
    report: SourceReport,
) -> services.NewPublication:
    """The publication an item becomes (its original, if it is a translation, saved)."""
    assert item.kind is not None  # every kept item has one, or the run stopped
    status = {SCHEDULED: Status.DRAFT}.get(item.status, item.status)
    signatory = None
    if item.author:
        signatory = lookup.signatories.get(fold(item.author))
        if signatory is None and options.create_signatories:
            signatory = signatory_named(item.author, signatories, actor, language=item.language)
        elif signatory is None:
            report.unsigned.setdefault(item.author, []).append(item.source_id)
    published_at = item.published_at
    if status == Status.PUBLISHED and published_at is None:
        published_at = timezone.make_aware(dt.datetime.combine(item.date, dt.time(12, 0)))
    fields: dict[str, Any] = {
        "language": item.language,
        "title": item.title[:300] or "—",
        "body": item.body_clean,
        "summary": item.summary,
        "kind": item.kind,
        "date": item.date,
        "signatory": signatory,
        "status": status,
        "published_at": published_at if status == Status.PUBLISHED else None,
        "slug": services.make_slug(item.slug or item.title),
    }
    original = item.translation_of
    if isinstance(original, Item):
        original = original.publication
    if original is None:
        key = group_key(source, item.group) if item.group else None
        return services.NewPublication(translation_key=key, **fields)
    return services.translation_new(original=original, **fields)


def _save_batch(
    actor: Actor,
    batch: list[tuple[Item, services.NewPublication]],
    problems: list[Problem],
    report: SourceReport,
) -> None:
    """Save a batch of items in a few statements; if it is refused, each on its own, so
    that every refused item is named."""
    if not batch:
        return
    try:
        saved = services.publications_create(actor=actor, new=[new for _item, new in batch])
        for (item, _new), publication in zip(batch, saved, strict=True):
            item.publication = publication
    except (ApplicationError, DatabaseError):
        for item, new in batch:
            try:
                item.publication = services.publications_create(actor=actor, new=[new])[0]
            except ApplicationError as exc:
                problems.append(Problem(item.where, exc.message, field=exc.where or None))
            except DatabaseError as exc:
                problems.append(Problem(item.where, f"the database refused it: {exc}"))
    for item, _new in batch:
        if item.publication is None:
            continue
        if item.status == SCHEDULED and item.publish_at is not None:
            # The same step as an editor's: the worker's task is queued for that time.
            try:
                # Its time, if gone by now, was the old site's, not a typo: the worker
                # publishes it at once, as the old site would have.
                item.publication = services.publication_schedule(
                    actor=actor,
                    publication=item.publication,
                    publish_at=item.publish_at,
                    backdate=True,
                )
            except ApplicationError as exc:
                problems.append(Problem(item.where, exc.message, field=exc.where or None))
                continue
        report.kinds[item.kind.slug if item.kind else "?"] += 1
        report.statuses[SCHEDULED if item.status == SCHEDULED else item.status] += 1
        report.languages[item.language] += 1
        report.translations += item.translation_of is not None
    batch.clear()
    gc.freeze()  # see _items_frozen


# An author's items named in the report, at most.
UNSIGNED_NAMED = 5


def _unsigned_notes(report: SourceReport) -> list[Problem]:
    """One line per author who is no signatory here: their items come without one."""
    notes = []
    for author, ids in sorted(report.unsigned.items()):
        named = ", ".join(ids[:UNSIGNED_NAMED]) + (", …" if len(ids) > UNSIGNED_NAMED else "")
        notes.append(
            Problem(
                f"author “{author}”",
                f"no signatory of that name: {len(ids)} item(s) imported without one ({named})",
                hint="pass --create-signatories to create it, or add the signatory first",
            )
        )
    return notes


def _old_addresses(items: Iterable[Item], report: SourceReport) -> int:
    """Each item's old addresses: 301 to its publication, or 410 for one in the trash."""
    wanted: dict[str, tuple[Item, Publication | None]] = {}
    for item in items:
        target = None if item.status == TRASHED else item.publication
        for address in item.old_paths:
            path = normalize_path(address)
            if path in wanted and wanted[path][1] is not None and target is None:
                continue
            if path in wanted and wanted[path][1] not in (None, target):
                report.notes.append(
                    Problem(item.where, f"old address {path} also belongs to another item")
                )
                continue
            wanted[path] = (item, target)
    stored: set[str] = set()
    paths = list(wanted)
    for start in range(0, len(paths), 500):
        stored.update(
            OldAddress.objects.filter(path__in=paths[start : start + 500]).values_list(
                "path", flat=True
            )
        )
    rows = []
    for path, (_item, publication) in wanted.items():
        if path in stored:
            continue
        if publication is None:
            rows.append(OldAddress(path=path, answer=OldAddress.Answer.GONE))
        else:
            rows.append(OldAddress(path=path, publication=publication))
    OldAddress.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _label_addresses(
    pages: Sequence[LabelPage], options: Options, lookup: Lookup, report: SourceReport
) -> int:
    """The old addresses of labels' pages: 301 to the list of the kind the kind map
    names for the label; a page whose label it does not name is reported, not guessed."""
    rows: dict[str, OldAddress] = {}
    for page in pages:
        name = options.kind_map.get(page.label.lower(), "")
        kind = lookup.kinds.get(fold(name)) if name else None
        if kind is None:
            report.notes.append(
                Problem(
                    page.where,
                    f"the page of {page.label} ({', '.join(page.old_paths)}) has no "
                    "counterpart here: its old addresses are not redirected",
                    hint=f"map {page.label} to a kind in --kind-map to send them to its "
                    "list, or write them in a --redirects file",
                )
            )
            continue
        with translation.override(default_language()):
            target = reverse("publications:kind", kwargs={"kind": kind.slug})
        for address in page.old_paths:
            path = normalize_path(address)
            rows.setdefault(path, OldAddress(path=path, target=target))
    stored = set(OldAddress.objects.filter(path__in=list(rows)).values_list("path", flat=True))
    fresh = [row for path, row in rows.items() if path not in stored]
    OldAddress.objects.bulk_create(fresh, batch_size=BATCH)
    # Not a publication's: no publication's announcement brings them to the mirror.
    announce(Topic.OLD_ADDRESSES, [row.pk for row in fresh if row.pk is not None])
    return len(fresh)


def _comment_policies(actor: Actor, saved: Iterable[Item], report: SourceReport) -> None:
    """Comments closed or hidden on the old site are so here (old ones kept either way)."""
    closed = [i.publication for i in saved if i.comments_state == CLOSED and i.publication]
    hidden = [i.publication for i in saved if i.comments_state == HIDDEN and i.publication]
    if closed or hidden:
        comment_policies_import(actor=actor, closed=closed, hidden=hidden)
    for state, publications in ((CLOSED, closed), (HIDDEN, hidden)):
        if publications:
            report.comments_closed[state] += len(publications)


def _comments(actor: Actor, source: str, items: Iterable[Item], report: SourceReport) -> None:
    """Approved and pending comments of every item kept; spam dropped; replies under parents.

    Written in two passes of a few statements each: the comments that answer no other,
    then the replies, each under the comment its thread starts with (the comments app
    shows one level of replies).
    """
    tops: list[ImportedComment] = []
    replies: list[tuple[ImportedComment, str]] = []
    for item in items:
        if item.publication is None or not item.comments:
            continue
        # The comment each kept comment's thread starts with, by source id.
        thread: dict[str, str] = {}
        # Parents first: a reply is written after what it answers.
        for comment in sorted(item.comments, key=lambda c: (c.created_at, c.source_id)):
            if comment.status not in {"approved", "pending"}:
                report.comments[f"dropped ({comment.status})"] += 1
                continue
            one = ImportedComment(
                publication=item.publication,
                legacy_id=comment.source_id,
                name=comment.name,
                body=comment.body,
                created_at=comment.created_at,
                status=comment.status,
                email=comment.email,
            )
            first = thread.get(comment.parent_id) if comment.parent_id else None
            if comment.parent_id and first is None:
                report.notes.append(
                    Problem(
                        item.where,
                        f"comment {comment.source_id} answers comment {comment.parent_id}, "
                        "which is not imported: kept as a comment of its own",
                    )
                )
            if first is None:
                thread[comment.source_id] = comment.source_id
                tops.append(one)
            else:
                thread[comment.source_id] = first
                replies.append((one, first))
    if not (tops or replies):
        return
    saved: dict[str, Comment] = {}
    for one, (saved_comment, created) in zip(
        tops, comments_import(actor=actor, source=source, comments=tops), strict=True
    ):
        saved[one.legacy_id] = saved_comment
        report.comments[one.status if created else "already imported"] += 1
    answers = [replace(one, parent=saved[first]) for one, first in replies]
    for one, (_comment, created) in zip(
        answers, comments_import(actor=actor, source=source, comments=answers), strict=True
    ):
        report.comments[one.status if created else "already imported"] += 1


def _progress(items: list[T], show: bool, label: str) -> Iterable[T]:
    if not show or len(items) < PROGRESS_MIN_ITEMS:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="item", file=sys.stderr, leave=False)


def report_lines(report: SourceReport) -> list[str]:
    """The report as the command prints it."""
    verb = "would be created" if report.dry_run else "created"
    lines = [f"{report.source}: {report.created} publication(s) {verb}"]
    for title, counter in (
        ("by kind", report.kinds),
        ("by status", report.statuses),
        ("by language", report.languages),
        ("comments", report.comments),
        ("comments closed (old ones shown, no new ones) or hidden", report.comments_closed),
    ):
        if counter:
            parts = ", ".join(f"{name} {count}" for name, count in sorted(counter.items()))
            lines.append(f"  {title}: {parts}")
    lines.append(f"  translations linked: {report.translations}")
    lines.append(f"  already imported (left as they are): {report.already}")
    if report.trashed:
        lines.append(f"  in the trash (not imported; old addresses answer 410): {report.trashed}")
    lines.append(f"  old addresses {verb}: {report.old_addresses}")
    if report.label_counts:
        lines.append("  kinds chosen (write a --kind-map file of “label = kind” to change):")
        for label, count in sorted(report.label_counts.items()):
            got = report.labels.get(label, Counter())
            line = f"    {label} = {got.most_common(1)[0][0] if got else '?'}  # {count} item(s)"
            if len(got) > 1:
                split = ", ".join(f"{kind} {n}" for kind, n in sorted(got.items()))
                line += f": {split} (another of their labels decided)"
            lines.append(line)
    if report.left_out:
        lines.append(
            f"  left out, in a language this site does not publish ({len(report.left_out)}):"
        )
        lines.extend(f"    {item}" for item in report.left_out)
    if report.notes:
        lines.append(f"  problems ({len(report.notes)}), imported without what they name:")
        lines.extend(f"    {note}" for note in report.notes)
    return lines
