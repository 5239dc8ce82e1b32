"""`nashr audit [--since DATE] [--json]` prints the trail, oldest first."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nashr.audit.models import AuditEntry
from nashr.core.actors import COMMAND

TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.fixture
def three_days(db: None) -> None:
    """Entries on 2024-03-03, 2024-03-05 and 2024-03-06 at 09:00, Tehran time."""
    for day, action in ((3, "kind.create"), (5, "publication.publish"), (6, "bulletin.send")):
        AuditEntry.objects.create(
            at=dt.datetime(2024, 3, day, 9, 0, tzinfo=TEHRAN),
            actor_name=str(COMMAND),
            action=action,
            target_label=f"day {day}",
        )


def _audit(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_since_and_json_print_the_entries_from_that_day(three_days) -> None:
    """--since 2024-03-05 --json prints one JSON object per entry from that day, oldest first."""
    rows = [json.loads(line) for line in _audit("--since", "2024-03-05", "--json").splitlines()]
    assert [row["action"] for row in rows] == ["publication.publish", "bulletin.send"]
    assert rows[0]["actor"] == "system:command" and rows[0]["target"] == "day 5"
    assert rows[0]["at"].startswith("2024-03-05T09:00:00")


def test_since_takes_a_jalali_date_in_persian_digits(three_days) -> None:
    """۱۴۰۲-۱۲-۱۵ (the Jalali 2024-03-05) selects the same entries as the Gregorian date."""
    lines = _audit("--since", "۱۴۰۲-۱۲-۱۵").splitlines()
    assert len(lines) == 2
    assert "publication.publish" in lines[0] and "bulletin.send" in lines[1]


def test_an_impossible_date_is_a_clean_error(db) -> None:
    """A date that is no day says so, naming the option."""
    with pytest.raises(CommandError, match="--since"):
        _audit("--since", "2024-02-30")
