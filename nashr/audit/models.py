"""The audit trail: one entry per staff or system action on what readers see or receive.

Entries are written by the services (``nashr.audit.services.audit_record``) inside the
transaction of the change they describe, and never changed or deleted afterwards: the
model refuses a second save and a delete, the admin offers neither, and there is no
service to do it. The actor is kept as an id and a name copied at the time, not as a
foreign key, so that deleting or renaming an account changes nothing of its history.
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nashr.audit.actions import action_label
from nashr.core import calendars
from nashr.core.exceptions import StateError
from nashr.core.languages import current_language


def _append_only() -> StateError:
    return StateError(
        "audit entries are never changed or deleted",
        hint="record a new entry that says what happened instead",
    )


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Bulk updates and deletes are refused like those of one entry."""

    def update(self, **kwargs: Any) -> int:
        raise _append_only()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _append_only()


class AuditEntry(models.Model):
    """Who did what to which object, when, from which (hashed) address, changing what."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # The staff member's id (None for the system) and their username at the time, or the
    # system actor's name ("system:command").
    actor_user_id = models.BigIntegerField(_("staff member id"), null=True, blank=True)
    actor_name = models.CharField(_("who"), max_length=150)
    # "publication.publish": the entity, a dot, the action.
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("type of object"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    # Keyed hash of the client's address (nashr.core.clients); empty for commands and tasks.
    address_hash = models.CharField(_("address (keyed hash)"), max_length=64, blank=True)
    # For an edit, field → [old, new]; for other actions, their facts (counts, numbers).
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        # Viewing only: there is nothing to grant for adding, changing or deleting.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        # The moment in the calendar of the language in use (an admin page's title).
        when = calendars.format_datetime(self.at, current_language())
        return f"{when} {self.actor_name} {action_label(self.action)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _append_only()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _append_only()
