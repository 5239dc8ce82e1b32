"""Every delete, add and change made on an admin page is in the audit trail.

Nashr's admin site (``nashr.accounts.adminsite``) registers each ModelAdmin through
``audited``: a subclass with ``AuditedAdmin`` first among its bases. Nothing is
registered without it, third-party admins included, and no admin's own ``delete_model``
can skip it: ``AuditedAdmin.delete_model`` runs first and calls the admin's own.

Most writes are recorded by the services the admins call, under the service's own action
("publication.delete"). ``AuditedAdmin`` watches what is recorded while the admin's code
runs (``audit_watch``), and when nothing was, records it itself:

- a delete, of one object or each of a bulk delete: "<entity>.delete", naming the object
  and counting what its deletion took with it by cascade (a series' subscriptions);
- an add or a change: "<entity>.create" or "<entity>.update", each field changed as
  [old, new] (secret fields as changed only; rows of a many-to-many field as added and
  removed), and the inline rows added, changed and deleted.

The entity is the admin's ``audit_entity`` when it names one ("staff" for accounts),
else the model's class name in snake case ("comment_block", "totp_device").
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db import models, router, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.db.models.deletion import Collector
from django.http import HttpRequest

from nashr.audit.services import HIDDEN, audit_record, audit_watch

# Fields that hold a key (a TOTP device's seed): recorded as changed, never their value.
KEY_FIELD = re.compile(r"(^|_)key$")
# Where a class name's words meet: "TOTPDevice" → "TOTP_Device".
WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Marks a class `audited` made (and so an admin registered again as it is).
_MADE_HERE = "_nashr_audited"
# Where `save_model` leaves, on the form, what it saw recorded, for `save_related`.
_RECORDED = "_nashr_audit_recorded"


def audit_entity(model_admin: admin.ModelAdmin[Any]) -> str:
    """The entity an admin's fallback entries name: "staff" in "staff.delete"."""
    named: str | None = getattr(model_admin, "audit_entity", None)
    if named:
        return named
    words = WORD_BREAK.sub("_", model_admin.model.__name__)
    return re.sub(r"[^a-z_]", "", words.lower())


def cascade_counts(obj: models.Model) -> dict[str, int]:
    """What deleting `obj` deletes with it: model label → number of rows, `obj` left out.

    Empty when the deletion is refused (a protected row): the delete itself says why.
    Links of a many-to-many field count too ("auth.user_groups": the members a deleted
    role is taken from).
    """
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError):
        return {}
    counts: Counter[str] = Counter()
    found: list[tuple[type[models.Model], int]] = [
        (model, len(instances)) for model, instances in collector.data.items()
    ]
    found += [(queryset.model, queryset.count()) for queryset in collector.fast_deletes]
    for model, count in found:
        counts[(model._meta.concrete_model or model)._meta.label_lower] += count
    counts[(obj._meta.concrete_model or type(obj))._meta.label_lower] -= 1
    return {label: count for label, count in sorted(counts.items()) if count > 0}


def _rows(value: Any) -> set[str] | None:
    """The rows of a many-to-many value (a list or a queryset of objects), as text."""
    if isinstance(value, QuerySet) or (
        isinstance(value, list | tuple) and all(isinstance(item, models.Model) for item in value)
    ):
        return {f"{item} (#{item.pk})" for item in value}
    return None


def _change(form: Any, name: str) -> Any:
    old, new = form.initial.get(name), form.cleaned_data[name]
    if KEY_FIELD.search(name):
        return [HIDDEN, HIDDEN]
    new_rows = _rows(new)
    if new_rows is not None:
        old_rows = _rows(old or []) or set()
        return {"added": sorted(new_rows - old_rows), "removed": sorted(old_rows - new_rows)}
    if isinstance(new, models.Model) and old is not None and not isinstance(old, models.Model):
        # A foreign key's initial value is the id of the row it pointed to.
        old = type(new)._default_manager.filter(pk=old).first() or f"#{old}"
    return [old, new]


def _form_changes(form: Any, change: bool) -> dict[str, Any]:
    # A field the admin took out of cleaned_data is saved (and recorded) by a service.
    names = [name for name in form.changed_data if name in form.cleaned_data]
    if not change:
        return {name: form.cleaned_data[name] for name in names if not KEY_FIELD.search(name)}
    return {name: _change(form, name) for name in names}


def _inline_changes(formsets: Iterable[Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for formset in formsets:
        rows = {
            "added": [str(obj) for obj in getattr(formset, "new_objects", [])],
            "changed": [str(obj) for obj, _fields in getattr(formset, "changed_objects", [])],
            "deleted": [str(obj) for obj in getattr(formset, "deleted_objects", [])],
        }
        if any(rows.values()):
            changes[formset.model._meta.label_lower] = {k: v for k, v in rows.items() if v}
    return changes


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Records what an admin deletes, adds or changes when its own code recorded nothing.

    Not subclassed by hand: the admin site puts it first in every registered admin's
    bases (``audited``). It defines no setting of its own, so an admin's attributes
    (``audit_entity``) are read through it.
    """

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic(using=router.db_for_write(self.model)):
            gone, label, cascade = copy.copy(obj), str(obj), cascade_counts(obj)
            with audit_watch() as recorded:
                super().delete_model(request, obj)
            if not recorded and not self._still_there([gone.pk]):
                self._record_delete(request, gone, label, cascade)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic(using=router.db_for_write(self.model)):
            # Counted only for Django's own bulk delete: an admin that deletes through a
            # service has it record each row (and a service's facts), so counting every
            # row's cascade first would be work thrown away.
            counted = self._deletes_as_django_does("delete_queryset")
            doomed = [
                (copy.copy(obj), str(obj), cascade_counts(obj) if counted else {})
                for obj in queryset
            ]
            with audit_watch() as recorded:
                super().delete_queryset(request, queryset)
            if recorded:
                # The admin deleted through a service, which recorded each row it deleted
                # (and none it refused).
                return
            kept = self._still_there([obj.pk for obj, _label, _cascade in doomed])
            for obj, label, cascade in doomed:
                if obj.pk not in kept:
                    self._record_delete(request, obj, label, cascade)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with audit_watch() as recorded:
            super().save_model(request, obj, form, change)
        setattr(form, _RECORDED, recorded)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with audit_watch() as recorded:
            super().save_related(request, form, formsets, change)
        if getattr(form, _RECORDED, None) or recorded:
            # Saved through a service, which recorded it (a staff reply is recorded on
            # the reply, not on the comment it answers: it is recorded all the same).
            return
        changes = {**_form_changes(form, change), **_inline_changes(formsets or [])}
        if change and not changes:
            return
        action = f"{audit_entity(self)}.{'update' if change else 'create'}"
        audit_record(actor=request.user, action=action, target=form.instance, changes=changes)

    def _deletes_as_django_does(self, name: str) -> bool:
        own = getattr(super(), name)
        return getattr(own, "__func__", None) is getattr(admin.ModelAdmin, name)

    def _still_there(self, pks: list[Any]) -> set[Any]:
        return set(self.model._default_manager.filter(pk__in=pks).values_list("pk", flat=True))

    def _record_delete(
        self, request: HttpRequest, obj: Any, label: str, cascade: dict[str, int]
    ) -> None:
        changes = {"deleted_with_it": cascade} if cascade else {}
        action = f"{audit_entity(self)}.delete"
        audit_record(actor=request.user, action=action, target=obj, label=label, changes=changes)


def audited(admin_class: type[admin.ModelAdmin[Any]]) -> type[admin.ModelAdmin[Any]]:
    """`admin_class` with `AuditedAdmin` first among its bases (itself if made so here)."""
    if admin_class.__dict__.get(_MADE_HERE):
        return admin_class
    if issubclass(admin_class, AuditedAdmin):
        raise TypeError(
            f"{admin_class.__qualname__} subclasses AuditedAdmin: leave that to the admin "
            "site's register, which puts it first"
        )
    return type(
        admin_class.__name__,
        (AuditedAdmin, admin_class),
        {
            "__module__": admin_class.__module__,
            "__qualname__": admin_class.__qualname__,
            _MADE_HERE: True,
        },
    )
