"""Saving checked entries through the publications services, all or nothing.

The services decide what the actor may do; a refusal (an author importing a published
file) is a problem of that file like any other, and nothing of the run is saved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from nashr.audit.services import audit_batched
from nashr.core.actors import Actor
from nashr.core.changes import changes_batched
from nashr.core.exceptions import ApplicationError
from nashr.core.languages import default_language
from nashr.importers.checks import fold
from nashr.importers.entries import Entry
from nashr.importers.problems import Problem, import_failed
from nashr.publications import services
from nashr.publications.models import Publication, Signatory, Status


def save_order(entries: list[Entry]) -> list[Entry]:
    """Originals first (oldest first, so numbers follow dates), then their translations."""
    return sorted(entries, key=lambda e: (e.translation_of is not None, e.date, e.path))


def entries_save(entries: Iterable[Entry], *, actor: Actor, dry_run: bool) -> None:
    """Save every entry in one transaction (rolled back on a dry run).

    Raises ImportFailed listing every entry the services or the database refused; then
    nothing is saved.
    """
    problems: list[Problem] = []
    signatories: dict[str, Signatory] = {}
    with transaction.atomic():
        # The search index and the audit trail written in a few statements at the end.
        with audit_batched(), changes_batched():
            for entry in entries:
                try:
                    entry.publication = _save(entry, signatories, actor)
                except ApplicationError as exc:
                    problems.append(
                        Problem(entry.path, exc.message, field=exc.where or None, hint=exc.hint)
                    )
                except DatabaseError as exc:
                    problems.append(Problem(entry.path, f"the database refused it: {exc}"))
            if problems:
                raise import_failed(problems)
        if dry_run:
            transaction.set_rollback(True)


def _save(entry: Entry, signatories: dict[str, Signatory], actor: Actor) -> Publication:
    common: dict[str, Any] = {
        "language": entry.language,
        "title": entry.title,
        "body": entry.body,
        "summary": entry.summary,
        "kind": entry.kind,
        "date": entry.date,
        "signatory": _signatory(entry, signatories, actor),
        "status": entry.status,
        "published_at": _published_at(entry),
        "slug": entry.slug,
        "source_url": entry.source_url,
        "legacy_path": entry.legacy_path,
    }
    original = entry.translation_of
    if isinstance(original, Entry):
        original = original.publication
    if original is None:
        return services.publication_create(actor=actor, translation_key=entry.key, **common)
    return services.translation_create(actor=actor, original=original, **common)


def _published_at(entry: Entry) -> dt.datetime | None:
    if entry.status != Status.PUBLISHED:
        return None
    return timezone.make_aware(dt.datetime.combine(entry.date, dt.time(12, 0)))


def _signatory(entry: Entry, created: dict[str, Signatory], actor: Actor) -> Signatory | None:
    """The entry's signatory; one the files name but the database lacks is created once."""
    if entry.signatory is not None or not entry.signatory_name:
        return entry.signatory
    return signatory_named(entry.signatory_name, created, actor, language=entry.language)


def signatory_named(
    name: str, created: dict[str, Signatory], actor: Actor, *, language: str
) -> Signatory:
    """A new signatory of this name, created once per run (its slug from the name).

    The name is the one of the file's `language`, and the default language's too (which
    every signatory has) until an editor gives that one.
    """
    folded = fold(name)
    if folded not in created:
        base = slugify(name) or f"signatory-{uuid.uuid4().hex[:8]}"
        slug, counter = base, 1
        while Signatory.objects.filter(slug=slug).exists():
            counter += 1
            slug = f"{base}-{counter}"
        created[folded] = services.signatory_create(
            actor=actor, slug=slug, names=dict.fromkeys([default_language(), language], name)
        )
    return created[folded]
