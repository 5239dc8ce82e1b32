"""Recording staff and system actions in the audit trail.

Each service that changes what readers see or who receives mail calls ``audit_record``
after its write, in its own transaction: an action refused or rolled back leaves no
entry, and no entry is missing for one that happened. Recorded from the services, not
from signals, so that the entry names the actor and the action as the service knows
them, whichever caller (admin, command, importer, task) it came from.

What an entry never holds: passwords, tokens, two-factor secrets, and readers'
addresses. A reader (a subscriber) is named by their id only, whatever label the caller
passes, and a changed address is recorded as changed, not as what it was or became.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import translation

from nashr.audit.models import AuditEntry
from nashr.core.actors import Actor, SystemActor, actor_label
from nashr.core.origin import current_address_hash

ACTION_RE = re.compile(r"^[a-z_]+\.[a-z_]+$")
# Models whose text (the address) must not reach the trail: named by id only.
READER_MODELS = frozenset({"subscribers.subscriber", "subscribers.subscription"})
# Field names whose values are never recorded, only that they changed.
SECRET_WORDS = ("password", "token", "secret", "otp", "email")
HIDDEN = "[hidden]"
# Text values are cut to this length: the trail says what changed, the object holds it.
TEXT_LIMIT = 200
LABEL_LIMIT = AuditEntry._meta.get_field("target_label").max_length or 200
# Entries written per statement at the end of `audit_batched`.
BATCH = 500
# The entries recorded inside `audit_batched` (None: written at once).
_batch: ContextVar[list[AuditEntry] | None] = ContextVar("audit_batch", default=None)
# The lists of the `audit_watch` blocks open now, each given every entry recorded.
_watchers: ContextVar[tuple[list[AuditEntry], ...]] = ContextVar("audit_watchers", default=())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    """`value` as JSON can hold it: model instances by their text, long text cut."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return _cut(value, TEXT_LIMIT)
    if isinstance(value, models.Model):
        return _cut(f"{value} (#{value.pk})", TEXT_LIMIT)
    if isinstance(value, dt.date | dt.datetime | dt.time | Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [_plain(item) for item in value]
    return _cut(str(value), TEXT_LIMIT)


def _is_secret(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_WORDS)


def _safe_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    safe: dict[str, Any] = {}
    for name, value in changes.items():
        if _is_secret(name):
            is_pair = isinstance(value, list | tuple) and len(value) == 2
            safe[name] = [HIDDEN, HIDDEN] if is_pair else HIDDEN
        else:
            safe[name] = _plain(value)
    return safe


def audit_snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `obj` now, to compare with after an edit (`audit_diff`)."""
    # An unknown name is the service's to refuse, after this.
    return {name: getattr(obj, name, None) for name in fields}


def audit_diff(before: Mapping[str, Any], obj: models.Model) -> dict[str, list[Any]]:
    """Field → [old, new] for every field of `before` whose value on `obj` differs."""
    return {
        name: [old, getattr(obj, name)] for name, old in before.items() if getattr(obj, name) != old
    }


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    label: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Record that `actor` did `action` ("publication.publish") to `target`.

    `label` names the target when its text is not the right name (default: str(target));
    `changes` maps a field to [old, new] for an edit, or holds the action's facts.
    Called inside the caller's transaction, after its write.
    """
    if not ACTION_RE.match(action):
        raise ValueError(f"audit action “{action}” is not of the form entity.action")
    target_type = target_id = ""
    if target is not None:
        # A proxy (the delivery app's Sending is a Bulletin) is named as its model.
        target_type = (target._meta.concrete_model or type(target))._meta.label_lower
        target_id = "" if target.pk is None else str(target.pk)
        if target_type in READER_MODELS:
            label = f"#{target_id}"
        elif not label:
            # Named the same whatever the language of the request that recorded it (a
            # kind's, a role's name follows the language in use).
            with translation.override(None):
                label = str(target)
    user_id = None
    if not isinstance(actor, SystemActor) and actor.pk is not None:
        user_id = int(actor.pk)
    entry = AuditEntry(
        actor_user_id=user_id,
        actor_name=_cut(actor_label(actor), 150),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=_cut(label, LABEL_LIMIT),
        address_hash=current_address_hash(),
        changes=_safe_changes(changes or {}),
    )
    batch = _batch.get()
    if batch is None:
        entry.save()
    else:
        batch.append(entry)
    for watcher in _watchers.get():
        watcher.append(entry)
    return entry


@contextmanager
def audit_watch() -> Iterator[list[AuditEntry]]:
    """The entries recorded inside the block, in order (the list fills as they are).

    For a caller that records an action only if the code it called did not (the admin's
    fallback, nashr.audit.admin_trail): it cannot know in advance whether a service
    will. Blocks nest; each sees every entry recorded while it is open.
    """
    seen: list[AuditEntry] = []
    token = _watchers.set((*_watchers.get(), seen))
    try:
        yield seen
    finally:
        _watchers.reset(token)


@contextmanager
def audit_batched() -> Iterator[None]:
    """Entries recorded inside are written when the block ends, a few statements in all.

    For a run of thousands of actions in one transaction (an import): use it inside
    that transaction, so the entries are written with the changes or not at all. Each
    entry keeps the time of its action; one recorded inside has no id until the end. A
    block that raises writes nothing; a caller that catches a service's error inside
    the block must let the block fail too, since an entry of an action rolled back to a
    savepoint is still in the batch. Nested, the outer block writes.
    """
    if _batch.get() is not None:
        yield
        return
    batch: list[AuditEntry] = []
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    AuditEntry.objects.bulk_create(batch, batch_size=BATCH)
