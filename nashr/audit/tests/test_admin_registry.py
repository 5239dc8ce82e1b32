"""No admin on the site can delete or save unaudited, one registered later included."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from nashr.accounts.adminsite import NashrAdminSite
from nashr.audit.admin_trail import AuditedAdmin, audited
from nashr.audit.models import AuditEntry
from nashr.core.actors import COMMAND
from nashr.publications.models import Signatory
from nashr.publications.services import signatory_create

# The methods through which the admin's pages delete and save; AuditedAdmin wraps each.
WRITES = ("delete_model", "delete_queryset", "save_model", "save_related")


def test_every_registered_admin_is_audited_first() -> None:
    """Every admin on the site, a third-party one too, writes through AuditedAdmin's methods."""
    assert admin.site._registry, "nothing registered"
    for model, model_admin in admin.site._registry.items():
        order = type(model_admin).__mro__
        assert order[1] is AuditedAdmin, f"{model._meta.label}'s admin is not audited"
        for name in WRITES:
            assert getattr(type(model_admin), name) is getattr(AuditedAdmin, name), (
                f"{model._meta.label}'s admin {name} does not run AuditedAdmin's first"
            )


def test_an_admin_registered_later_is_audited(db) -> None:
    """A plain ModelAdmin registered on Nashr's site records the deletes it makes."""
    site = NashrAdminSite(name="later")
    site.register(Signatory, list_display=["slug"])
    model_admin = site._registry[Signatory]
    assert isinstance(model_admin, AuditedAdmin) and model_admin.list_display == ["slug"]
    signatory = signatory_create(
        actor=COMMAND, slug="council", names={"fa": "شورا", "en": "Council"}
    )
    request = RequestFactory().post("/")
    request.user = get_user_model().objects.create_superuser("root", password="x" * 20)
    pk = signatory.pk
    model_admin.delete_model(request, signatory)
    entry = AuditEntry.objects.get(action="signatory.delete")
    assert (entry.actor_name, entry.target_id) == ("root", str(pk))


def test_an_admin_cannot_put_audited_admin_after_its_own_code() -> None:
    """Subclassing AuditedAdmin by hand (where an override could skip it) is refused."""

    class Careless(AuditedAdmin):
        def delete_model(self, request: object, obj: object) -> None:
            pass

    with pytest.raises(TypeError):
        audited(Careless)
