"""The trail in the admin: administrators read and filter it, nobody writes to it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from nashr.audit.models import AuditEntry
from nashr.audit.services import audit_record
from nashr.core.actors import COMMAND
from nashr.core.exceptions import StateError

CHANGELIST = "/en/admin/audit/auditentry/"


@pytest.fixture
def entry(db: None) -> AuditEntry:
    return audit_record(actor=COMMAND, action="kind.create", label="statement")


def test_even_a_superuser_cannot_change_or_delete_an_entry(client, entry) -> None:
    """POSTs to an entry's change and delete pages answer 403 to a superuser; it stays as is."""
    superuser = get_user_model().objects.create_superuser("root", password="a long passphrase 42")
    client.force_login(superuser)
    assert client.get(f"{CHANGELIST}{entry.pk}/change/").status_code == 200
    change = client.post(f"{CHANGELIST}{entry.pk}/change/", {"action": "kind.delete"})
    delete = client.post(f"{CHANGELIST}{entry.pk}/delete/", {"post": "yes"})
    bulk = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk]})
    add = client.post(f"{CHANGELIST}add/", {"action": "kind.create"})
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert bulk.status_code in (200, 302)
    stored = AuditEntry.objects.get()
    assert (stored.pk, stored.action) == (entry.pk, "kind.create")


def test_administrators_filter_the_trail_editors_do_not_see_it(client, make_staff, entry) -> None:
    """The administrator role lists entries filtered by action; an editor gets 403."""
    audit_record(actor=COMMAND, action="publication.publish", label="a statement")
    client.force_login(make_staff("administrator"))
    page = client.get(CHANGELIST, {"action": "publication.publish"}).content.decode()
    assert "a statement" in page and ">statement</td>" not in page
    client.force_login(make_staff("editor"))
    assert client.get(CHANGELIST).status_code == 403


def test_entries_are_append_only_in_code(entry) -> None:
    """Saving an entry again, deleting it, or updating entries in bulk is refused."""
    entry.action = "kind.delete"
    with pytest.raises(StateError):
        entry.save()
    with pytest.raises(StateError):
        entry.delete()
    with pytest.raises(StateError):
        AuditEntry.objects.update(action="kind.delete")
    with pytest.raises(StateError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "kind.create"
