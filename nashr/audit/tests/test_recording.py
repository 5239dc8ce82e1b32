"""The services record staff actions in the change's transaction, with a hashed address."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nashr.audit.models import AuditEntry
from nashr.audit.tests.conftest import ADDRESS, entry_text
from nashr.core.actors import COMMAND
from nashr.core.clients import address_hash
from nashr.core.exceptions import PermissionDenied
from nashr.importers.tests.test_import_roles import _file as statement_file
from nashr.publications import services
from nashr.publications.models import Publication, Status

CHANGELIST = "/en/admin/publications/publication/"


def test_publishing_in_the_admin_records_who_what_and_the_hashed_address(
    client, make_staff, make_publication
) -> None:
    """The admin's publish action records the editor, the action, the text and a keyed hash."""
    draft = make_publication(status=Status.DRAFT)
    editor = make_staff("editor")
    client.force_login(editor)
    action = {"action": "publish_selected", "_selected_action": [draft.pk]}
    client.post(CHANGELIST, action, REMOTE_ADDR=ADDRESS)
    entry = AuditEntry.objects.get(action="publication.publish")
    assert (entry.actor_user_id, entry.actor_name) == (editor.pk, "editor")
    assert (entry.target_type, entry.target_id) == ("publications.publication", str(draft.pk))
    assert entry.target_label == draft.title
    assert entry.address_hash == address_hash(ADDRESS)
    assert ADDRESS not in entry_text(entry)


def test_an_edit_records_each_changed_field_old_and_new(client, make_staff, make_publication):
    """An editor's change of the title is recorded as title → [old, new]."""
    publication = make_publication(title="عنوان نخست")
    services.publication_update(
        actor=make_staff("editor"), publication=publication, title="عنوان دوم"
    )
    entry = AuditEntry.objects.get(action="publication.update")
    assert entry.changes == {"title": ["عنوان نخست", "عنوان دوم"]}
    assert entry.address_hash == ""


def test_an_action_refused_by_the_rules_records_nothing(make_staff, make_publication) -> None:
    """An author's refused publish leaves no entry."""
    draft = make_publication(status=Status.DRAFT)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.publication_publish(actor=make_staff("author"), publication=draft)
    assert AuditEntry.objects.count() == before


def test_an_edit_refused_half_way_in_the_admin_records_nothing(
    client, make_staff, make_publication, kinds, signatory
) -> None:
    """An author's edit that also publishes is refused whole: not even the edit is recorded."""
    draft = make_publication(status=Status.DRAFT, body="متن نخست.")
    before = AuditEntry.objects.count()
    client.force_login(make_staff("author"))
    data = {
        "language": "fa",
        "kind": kinds["statement"].pk,
        "title": draft.title,
        "slug": draft.slug,
        "summary": "",
        "body": "متن دوم.",
        "signatory": signatory.pk,
        "date": "2023-10-31",
        "status": Status.PUBLISHED,
        "source_url": "",
        "legacy_path": "",
        "translation_of": "",
    }
    response = client.post(f"{CHANGELIST}{draft.pk}/change/", data, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200
    assert AuditEntry.objects.count() == before


def test_a_rolled_back_import_records_nothing(tmp_path: Path, kinds, make_staff) -> None:
    """An author's import of a draft and a published file fails whole; neither is recorded."""
    author = make_staff("author")
    for status in (Status.DRAFT, Status.PUBLISHED):
        statement_file(tmp_path, status)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import",
            str(tmp_path),
            "--as",
            author.username,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Publication.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_completed_import_records_each_publication(tmp_path: Path, kinds, make_staff) -> None:
    """The same author's import of a draft records its creation, by that author."""
    author = make_staff("author")
    path = statement_file(tmp_path, Status.DRAFT)
    call_command("import", path, "--as", author.username, stdout=io.StringIO())
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name) == ("publication.create", author.username)
    assert entry.changes == {"status": Status.DRAFT, "language": "fa"}


def test_commands_record_the_system_actor_and_no_address(make_publication) -> None:
    """A command's action names the system actor and has no address."""
    make_publication()
    entry = AuditEntry.objects.get(action="publication.create")
    assert (entry.actor_user_id, entry.actor_name) == (None, str(COMMAND))
    assert entry.address_hash == ""
