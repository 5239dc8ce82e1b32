"""Entries recorded inside `audit_batched` are written together at its end, or not at all."""

from __future__ import annotations

import pytest
from django.db import transaction

from nashr.audit.models import AuditEntry
from nashr.audit.services import audit_batched, audit_record
from nashr.core.actors import COMMAND

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


def test_batched_entries_are_written_at_the_end_in_order() -> None:
    """Inside the block nothing is written yet; at its end every entry is, with its own time."""
    with transaction.atomic(), audit_batched():
        first = audit_record(actor=COMMAND, action="kind.create", label="one")
        second = audit_record(actor=COMMAND, action="kind.create", label="two")
        assert not AuditEntry.objects.exists()
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [e.target_label for e in entries] == ["one", "two"]
    assert [e.at for e in entries] == [first.at, second.at] and first.at <= second.at


def test_a_failing_batch_writes_nothing() -> None:
    """A block that raises leaves no entry."""
    with pytest.raises(Refused), transaction.atomic(), audit_batched():
        audit_record(actor=COMMAND, action="kind.create", label="one")
        raise Refused
    assert not AuditEntry.objects.exists()
