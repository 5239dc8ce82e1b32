"""Reading the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Model, QuerySet
from django.utils import timezone

from nashr.audit.models import AuditEntry


def audit_entries(*, since: dt.date | None = None) -> QuerySet[AuditEntry]:
    """Entries oldest first; from the start of day `since` (the site's time zone) if given."""
    entries = AuditEntry.objects.order_by("at", "pk")
    if since is not None:
        start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        entries = entries.filter(at__gte=start)
    return entries


def audit_last_at(*, actions: Collection[str], target: Model) -> dt.datetime | None:
    """When one of `actions` was last done to `target`; None if never."""
    target_type = (target._meta.concrete_model or type(target))._meta.label_lower
    return (
        AuditEntry.objects.filter(
            action__in=list(actions), target_type=target_type, target_id=str(target.pk)
        )
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )


def audit_last_actor(*, action: str, target: Model) -> str | None:
    """Who last did `action` to `target` (their name as the trail holds it); None if no one.

    For an action done later in someone's name: the worker publishing at the time an
    editor scheduled names that editor.
    """
    target_type = (target._meta.concrete_model or type(target))._meta.label_lower
    entry = (
        AuditEntry.objects.filter(action=action, target_type=target_type, target_id=str(target.pk))
        .order_by("-at", "-pk")
        .values_list("actor_name", flat=True)
        .first()
    )
    return entry
