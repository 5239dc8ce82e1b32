"""The admin saves, publishes and deletes through the services, and shows their refusals."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Permission

from nashr.core.actors import COMMAND
from nashr.core.exceptions import PermissionDenied
from nashr.publications import services
from nashr.publications.models import Kind, Publication, Status

CHANGELIST = "/en/admin/publications/publication/"


def _form(kind, signatory, **overrides):
    data = {
        "language": "fa",
        "kind": kind.pk,
        "title": "بیانیه تازه",
        "slug": "",
        "summary": "",
        "body": "متن بیانیه.",
        "signatory": signatory.pk,
        "date": "2023-10-31",
        "status": Status.DRAFT,
        "source_url": "",
        "legacy_path": "",
        "translation_of": "",
    }
    data.update(overrides)
    return data


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_translation_in_the_originals_language_is_refused_on_the_form(
    client, make_staff, make_publication, kinds, signatory
) -> None:
    """The service's refusal of a translation in its original's language shows on the form."""
    original = make_publication()
    client.force_login(make_staff("editor"))
    response = client.post(
        CHANGELIST + "add/",
        _form(kinds["statement"], signatory, language="fa", translation_of=original.pk),
    )
    assert response.status_code == 200
    assert "a translation must be in another language than its original" in _page(response)
    assert Publication.objects.count() == 1


def test_author_posting_published_gets_the_services_refusal(
    client, make_staff, kinds, signatory
) -> None:
    """An author's new publication posted as published is refused by the service; none is saved."""
    client.force_login(make_staff("author"))
    response = client.post(
        CHANGELIST + "add/", _form(kinds["statement"], signatory, status=Status.PUBLISHED)
    )
    assert response.status_code == 200
    assert "author may not publish" in _page(response)
    assert not Publication.objects.exists()


def test_author_publishing_a_draft_by_editing_changes_nothing(
    client, make_staff, make_publication, kinds, signatory
) -> None:
    """An author's edit that also publishes is refused whole: the text and status stay."""
    draft = make_publication(status=Status.DRAFT, body="متن نخست.")
    client.force_login(make_staff("author"))
    response = client.post(
        CHANGELIST + f"{draft.pk}/change/",
        _form(kinds["statement"], signatory, body="متن دوم.", status=Status.PUBLISHED),
    )
    assert response.status_code == 200
    assert "author may not publish or unpublish" in _page(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.body == "متن نخست." and draft.revision == 1


def test_kind_slug_taken_is_the_services_message(client, make_staff, kinds) -> None:
    """A kind whose slug exists already is refused with the service's message on the slug."""
    client.force_login(make_staff("administrator"))
    response = client.post(
        "/en/admin/publications/kind/add/",
        {"slug": "statement", "name_fa": "بیانیه", "name_en": "Statement", "order": 0},
    )
    assert response.status_code == 200
    page = _page(response)
    assert re.search(r'class="errorlist[^"]*"[^>]*>\s*<li>a kind “statement” exists already', page)
    assert Kind.objects.filter(slug="statement").count() == 1


def test_signatory_changed_through_the_service(client, make_staff, signatory) -> None:
    """An editor's change to a signatory is saved, trimmed by the service."""
    client.force_login(make_staff("editor"))
    url = f"/en/admin/publications/signatory/{signatory.pk}/change/"
    response = client.post(
        url, {"slug": signatory.slug, "name_fa": signatory.name_fa, "name_en": " Committee "}
    )
    assert response.status_code == 302
    signatory.refresh_from_db()
    assert signatory.name_en == "Committee"


def test_bulk_delete_goes_through_the_service(client, make_staff, make_publication) -> None:
    """An editor's bulk delete deletes each selected publication, logged, and no other."""
    first, second, kept = (make_publication(title=f"بیانیه {n}") for n in range(3))
    client.force_login(make_staff("editor"))
    selected = {"action": "delete_selected", "_selected_action": [first.pk, second.pk]}
    response = client.post(CHANGELIST, {**selected, "post": "yes"})
    assert response.status_code == 302
    assert list(Publication.objects.all()) == [kept]
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 2


def test_bulk_delete_of_published_needs_publish(client, make_staff, make_publication) -> None:
    """Who may delete but not publish is told a published text is not theirs to delete."""
    published = make_publication()
    draft = make_publication(status=Status.DRAFT, title="پیش‌نویس")
    author = make_staff("author")
    author.user_permissions.add(Permission.objects.get(codename="delete_publication"))
    client.force_login(author)
    selected = {"action": "delete_selected", "_selected_action": [published.pk, draft.pk]}
    confirm = client.post(CHANGELIST, selected)
    assert "Cannot delete publications" in _page(confirm)
    assert client.post(CHANGELIST, {**selected, "post": "yes"}).status_code == 403
    assert Publication.objects.count() == 2


def test_delete_page_of_a_published_text_is_forbidden_without_publish(
    client, make_staff, make_publication
) -> None:
    """The single delete page of a published publication is refused to who may not publish."""
    published = make_publication()
    draft = make_publication(status=Status.DRAFT, title="پیش‌نویس")
    author = make_staff("author")
    author.user_permissions.add(Permission.objects.get(codename="delete_publication"))
    client.force_login(author)
    assert client.post(CHANGELIST + f"{published.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(CHANGELIST + f"{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(Publication.objects.all()) == [published]


def test_publication_delete_needs_the_permission(make_staff, make_publication) -> None:
    """The service refuses an author (no delete permission) and deletes for the operator."""
    draft = make_publication(status=Status.DRAFT)
    with pytest.raises(PermissionDenied, match="may not delete"):
        services.publication_delete(actor=make_staff("author"), publication=draft)
    services.publication_delete(actor=COMMAND, publication=draft)
    assert not Publication.objects.exists()
