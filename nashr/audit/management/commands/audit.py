"""`nashr audit [--since DATE] [--json]`: the audit trail, oldest first, one entry a line."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nashr.audit.models import AuditEntry
from nashr.audit.selectors import audit_entries
from nashr.core import calendars
from nashr.core.exceptions import ApplicationError


def since_date(text: str) -> dt.date:
    """A Y-M-D day in the Gregorian calendar, or in the Jalali one when its year is Jalali.

    The two calendars' plausible years do not overlap (1200–1700, 1800–2300), so the
    year says which calendar is meant; Persian digits are read too.
    """
    parts = calendars.split_ymd(text)
    jalali = parts is not None and calendars.is_plausible_year(parts[0], "jalali")
    return calendars.parse_date(text, calendar="jalali" if jalali else "gregorian")


def entry_row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": timezone.localtime(entry.at).isoformat(),
        "actor": entry.actor_name,
        "actor_user_id": entry.actor_user_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target": entry.target_label,
        "address_hash": entry.address_hash,
        "changes": entry.changes,
    }


def entry_line(entry: AuditEntry) -> str:
    """One entry as a line of text: when, who, what, on what, from where, what changed."""
    parts = [
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.actor_name,
        entry.action,
    ]
    if entry.target_type:
        parts.append(f"{entry.target_type}#{entry.target_id} “{entry.target_label}”")
    if entry.address_hash:
        parts.append(f"address:{entry.address_hash[:16]}")
    if entry.changes:
        parts.append(json.dumps(entry.changes, ensure_ascii=False, sort_keys=True))
    return "  ".join(parts)


class Command(BaseCommand):
    help = (
        "Print the audit trail, oldest first, one entry a line: when, who, the action, "
        "its object, the keyed hash of the address it came from, what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="only entries from this day on: YYYY-MM-DD, Gregorian (2024-03-05) or "
            "Jalali (1402-12-15, Persian digits too)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object a line")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            since = since_date(options["since"]) if options["since"] else None
        except ApplicationError as exc:
            raise CommandError(f"--since: {exc}") from exc
        for entry in audit_entries(since=since).iterator(chunk_size=2000):
            if options["json"]:
                self.stdout.write(json.dumps(entry_row(entry), ensure_ascii=False))
            else:
                self.stdout.write(entry_line(entry))
