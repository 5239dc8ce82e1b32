"""The audit trail's tests: a request's address and the form of the publication admin."""

from __future__ import annotations

import json
from typing import Any

from nashr.audit.models import AuditEntry

# An address from a documentation range (RFC 5737), as a reader's or editor's would be.
ADDRESS = "203.0.113.9"


def entry_text(entry: AuditEntry) -> str:
    """Everything an entry stores, as one string to search for what it must not hold."""
    fields: dict[str, Any] = {
        field.name: getattr(entry, field.name) for field in AuditEntry._meta.concrete_fields
    }
    return json.dumps(fields, ensure_ascii=False, default=str)
