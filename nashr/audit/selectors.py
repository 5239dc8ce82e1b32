"""Reading the audit trail."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from nashr.audit.models import AuditEntry


def audit_entries(*, since: dt.date | None = None) -> QuerySet[AuditEntry]:
    """Entries oldest first; from the start of day `since` (the site's time zone) if given."""
    entries = AuditEntry.objects.order_by("at", "pk")
    if since is not None:
        start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        entries = entries.filter(at__gte=start)
    return entries
