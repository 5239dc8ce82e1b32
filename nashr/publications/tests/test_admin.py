"""The editorial admin: writes through services, refusals shown, direction, dates, previews."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Permission

from nashr.core.actors import COMMAND
from nashr.core.exceptions import PermissionDenied
from nashr.publications import services
from nashr.publications.models import Kind, Publication, Status

CHANGELIST = "/{lang}/admin/publications/publication/"
EN = CHANGELIST.format(lang="en")


def _form(publication_kind, signatory, **overrides):
    data = {
        "language": "fa",
        "kind": publication_kind.pk,
        "title": "بیانیه تازه",
        "slug": "",
        "summary": "",
        "body": "متن **بیانیه**.",
        "signatory": signatory.pk,
        "date": "2024-03-05",
        "status": Status.DRAFT,
        "source_url": "",
        "legacy_path": "",
        "translation_of": "",
    }
    data.update(overrides)
    return data


def _errors(response) -> str:
    page = response.content.decode()
    return " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S))


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _tag(page: str, pattern: str) -> str:
    match = re.search(pattern, page)
    assert match is not None, pattern
    return match.group(0)


def test_author_saves_draft_through_the_service(client, make_staff, kinds, signatory) -> None:
    """An author's new draft is created by the service: rendered body, revision 1, author."""
    author = make_staff("author")
    client.force_login(author)
    response = client.post(
        CHANGELIST.format(lang="en") + "add/", _form(kinds["statement"], signatory)
    )
    assert response.status_code == 302, _errors(response)
    publication = Publication.objects.get()
    assert publication.status == Status.DRAFT
    assert publication.body_html == "<p>متن <strong>بیانیه</strong>.</p>\n"
    assert publication.created_by == author
    assert publication.slug == "بیانیه-تازه"


def test_author_cannot_publish(client, make_staff, kinds, signatory) -> None:
    """The author's form offers no “published” status and refuses one that is posted."""
    client.force_login(make_staff("author"))
    add = CHANGELIST.format(lang="en") + "add/"
    page = client.get(add).content.decode()
    assert 'value="review"' in page and 'value="published"' not in page
    response = client.post(add, _form(kinds["statement"], signatory, status=Status.PUBLISHED))
    assert response.status_code == 200
    assert not Publication.objects.exists()


def test_author_cannot_change_what_is_published(client, make_staff, make_publication) -> None:
    """A published publication is read-only for an author; a post to it is refused."""
    publication = make_publication()
    client.force_login(make_staff("author"))
    url = CHANGELIST.format(lang="en") + f"{publication.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(url, {"title": "changed"})
    assert response.status_code == 403
    publication.refresh_from_db()
    assert publication.revision == 1


def test_publish_action_needs_publish_permission(client, make_staff, make_publication) -> None:
    """Only a user with publish_publication can run the publish action."""
    draft = make_publication(status=Status.DRAFT)
    action = {"action": "publish_selected", "_selected_action": [draft.pk]}
    client.force_login(make_staff("author"))
    client.post(CHANGELIST.format(lang="en"), action)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    client.force_login(make_staff("editor"))
    client.post(CHANGELIST.format(lang="en"), action)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.published_at is not None
    client.post(CHANGELIST.format(lang="en"), {**action, "action": "unpublish_selected"})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_editor_changes_status_through_services(client, make_staff, make_publication) -> None:
    """An editor's form edit of a draft to published publishes it, and the text gets a revision."""
    draft = make_publication(status=Status.DRAFT)
    client.force_login(make_staff("editor"))
    url = CHANGELIST.format(lang="en") + f"{draft.pk}/change/"
    data = _form(draft.kind, draft.signatory, body="متن اصلاح‌شده.", status=Status.PUBLISHED)
    data["date"] = "2023-10-31"
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.revision == 2
    assert draft.body_html == "<p>متن اصلاح‌شده.</p>\n"


def test_body_direction_follows_the_content(client, make_staff, make_publication) -> None:
    """An English publication's body is ltr in the Persian admin, a Persian one rtl in English."""
    persian = make_publication()
    english = services.translation_create(
        actor=COMMAND, original=persian, language="en", title="A statement"
    )
    client.force_login(make_staff("editor"))
    fa_page = client.get(CHANGELIST.format(lang="fa") + f"{english.pk}/change/").content.decode()
    body = _tag(fa_page, r"<textarea[^>]*id=\"id_body\"[^>]*>")
    assert 'lang="en"' in body and 'dir="ltr"' in body
    assert '<html lang="fa" dir="rtl"' in fa_page
    en_page = client.get(CHANGELIST.format(lang="en") + f"{persian.pk}/change/").content.decode()
    body = _tag(en_page, r"<textarea[^>]*id=\"id_body\"[^>]*>")
    assert 'lang="fa"' in body and 'dir="rtl"' in body
    assert "publications/admin/direction.js" in en_page


def test_add_form_direction_from_language_parameter(client, make_staff) -> None:
    """The add form for an English text starts ltr even in the Persian admin."""
    client.force_login(make_staff("editor"))
    page = client.get(CHANGELIST.format(lang="fa") + "add/?language=en").content.decode()
    title = _tag(page, r"<input[^>]*id=\"id_title\"[^>]*>")
    assert 'dir="ltr"' in title and "data-content-field" in title


def test_jalali_date_in_persian_admin(client, make_staff, kinds, signatory) -> None:
    """/fa/admin/ takes a Jalali date in Persian digits and shows it back in Jalali."""
    client.force_login(make_staff("editor"))
    response = client.post(
        CHANGELIST.format(lang="fa") + "add/",
        _form(kinds["statement"], signatory, date="۱۴۰۲/۰۸/۰۹"),
    )
    assert response.status_code == 302, _errors(response)
    publication = Publication.objects.get()
    assert publication.date == dt.date(2023, 10, 31)
    page = client.get(CHANGELIST.format(lang="fa") + f"{publication.pk}/change/").content.decode()
    assert 'value="۱۴۰۲/۰۸/۰۹"' in page
    listing = client.get(CHANGELIST.format(lang="fa")).content.decode()
    assert "۹ آبان ۱۴۰۲" in listing


def test_impossible_jalali_date_is_refused(client, make_staff, kinds, signatory) -> None:
    """Esfand 30 of a common year (1402) is an error on the field; Esfand 30, 1403 is fine."""
    client.force_login(make_staff("editor"))
    add = CHANGELIST.format(lang="fa") + "add/"
    response = client.post(add, _form(kinds["statement"], signatory, date="1402/12/30"))
    assert response.status_code == 200 and not Publication.objects.exists()
    response = client.post(add, _form(kinds["statement"], signatory, date="1403/12/30"))
    assert response.status_code == 302
    assert Publication.objects.get().date == dt.date(2025, 3, 20)


def test_gregorian_date_in_english_admin(client, make_staff, kinds, signatory) -> None:
    """/en/admin/ takes and shows Gregorian dates."""
    client.force_login(make_staff("editor"))
    response = client.post(
        CHANGELIST.format(lang="en") + "add/",
        _form(kinds["statement"], signatory, date="2024-03-05"),
    )
    assert response.status_code == 302, _errors(response)
    assert Publication.objects.get().date == dt.date(2024, 3, 5)


def test_service_errors_show_on_the_form(
    client, make_staff, make_publication, kinds, signatory
) -> None:
    """A legacy path already taken is reported on the form, and nothing is saved."""
    make_publication(legacy_path="/node/10158")
    client.force_login(make_staff("editor"))
    response = client.post(
        CHANGELIST.format(lang="en") + "add/",
        _form(kinds["statement"], signatory, legacy_path="/node/10158"),
    )
    assert response.status_code == 200
    assert "already leads to another publication" in response.content.decode()
    assert Publication.objects.count() == 1


def test_preview_renders_with_content_direction(client, make_staff, make_publication) -> None:
    """The preview shows the rendered body inside an element with the content's lang/dir."""
    publication = make_publication(
        status=Status.DRAFT, body="# Heading\n\n<script>x()</script>Text"
    )
    english = services.translation_create(
        actor=COMMAND, original=publication, language="en", title="T", body="Hello"
    )
    client.force_login(make_staff("author"))
    page = client.get(CHANGELIST.format(lang="en") + f"{publication.pk}/preview/").content.decode()
    assert '<article class="nashr-preview" lang="fa" dir="rtl">' in page
    assert "<script>x()" not in page
    page = client.get(CHANGELIST.format(lang="fa") + f"{english.pk}/preview/").content.decode()
    assert '<article class="nashr-preview" lang="en" dir="ltr">' in page
    change = client.get(CHANGELIST.format(lang="en") + f"{publication.pk}/change/").content.decode()
    assert f"{publication.pk}/preview/" in change


def test_dashboard_lists_gaps_with_links_that_fix_them(
    client, make_staff, make_publication
) -> None:
    """Missing translations link to a prefilled add form; outdated ones to the translation."""
    untranslated = make_publication(title="بیانیه بی‌ترجمه")
    original = make_publication(title="بیانیه ترجمه‌شده")
    translation = services.translation_create(
        actor=COMMAND, original=original, language="en", title="Translated"
    )
    services.publication_update(actor=COMMAND, publication=original, body="متن تازه")
    client.force_login(make_staff("translator"))
    index = client.get("/en/admin/").content.decode()
    assert "/en/admin/publications/publication/translations/" in index
    page = client.get(CHANGELIST.format(lang="en") + "translations/").content.decode()
    add_link = (
        f"/en/admin/publications/publication/add/?translation_of={untranslated.pk}&amp;language=en"
    )
    assert add_link in page
    assert f"/en/admin/publications/publication/{translation.pk}/change/" in page
    assert "بیانیه ترجمه‌شده" in page

    form = client.get(add_link.replace("&amp;", "&")).content.decode()
    picker = re.search(r'<select name="translation_of".*?</select>', form, re.S)
    assert picker is not None
    # The original's title is Persian: its option says so (the admin's language aside).
    assert re.search(
        rf'<option value="{untranslated.pk}" selected lang="fa" dir="rtl">', picker.group()
    )
    assert re.search(r'<option value="en" selected>', form)


def test_translator_adds_and_updates_translations_only(
    client, make_staff, make_publication, kinds, signatory
) -> None:
    """A translator creates a translation, catches an outdated one up, but cannot add originals."""
    original = make_publication()
    client.force_login(make_staff("translator"))
    add = CHANGELIST.format(lang="en") + "add/"
    response = client.post(add, _form(kinds["statement"], signatory))
    assert response.status_code == 200 and Publication.objects.count() == 1
    response = client.post(
        add,
        _form(
            kinds["statement"],
            signatory,
            language="en",
            title="Statement",
            body="Text",
            translation_of=original.pk,
        ),
    )
    assert response.status_code == 302, _errors(response)
    translation = Publication.objects.get(language="en")
    assert translation.translation_of == original and translation.source_revision == 1

    services.publication_update(actor=COMMAND, publication=original, body="متن تازه")
    translation.refresh_from_db()
    assert translation.is_outdated
    change = CHANGELIST.format(lang="en") + f"{translation.pk}/change/"
    data = _form(kinds["statement"], signatory, title="Statement", body="New text", up_to_date="on")
    data["date"] = original.date.isoformat()
    response = client.post(change, data)
    assert response.status_code == 302, _errors(response)
    translation.refresh_from_db()
    assert not translation.is_outdated and translation.body == "New text"
    assert (
        client.post(CHANGELIST.format(lang="en") + f"{original.pk}/change/", {}).status_code == 403
    )


# ---- every write through the services, their refusals on the page --------------------


def test_translation_in_the_originals_language_is_refused_on_the_form(
    client, make_staff, make_publication, kinds, signatory
) -> None:
    """The service's refusal of a translation in its original's language shows on the form."""
    original = make_publication()
    client.force_login(make_staff("editor"))
    response = client.post(
        EN + "add/",
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
        EN + "add/", _form(kinds["statement"], signatory, status=Status.PUBLISHED)
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
        EN + f"{draft.pk}/change/",
        _form(
            kinds["statement"],
            signatory,
            body="متن دوم.",
            date="2023-10-31",
            status=Status.PUBLISHED,
        ),
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
        {"slug": "statement", "names_fa": "بیانیه", "names_en": "Statement", "order": 0},
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
        url,
        {"slug": signatory.slug, "names_fa": signatory.names["fa"], "names_en": " Committee "},
    )
    assert response.status_code == 302
    signatory.refresh_from_db()
    assert signatory.names == {"fa": "کمیته اجرایی", "en": "Committee"}


def test_bulk_delete_goes_through_the_service(client, make_staff, make_publication) -> None:
    """An editor's bulk delete deletes each selected publication, logged, and no other."""
    first, second, kept = (make_publication(title=f"بیانیه {n}") for n in range(3))
    client.force_login(make_staff("editor"))
    selected = {"action": "delete_selected", "_selected_action": [first.pk, second.pk]}
    response = client.post(EN, {**selected, "post": "yes"})
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
    confirm = client.post(EN, selected)
    assert "Cannot delete publications" in _page(confirm)
    assert client.post(EN, {**selected, "post": "yes"}).status_code == 403
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
    assert client.post(EN + f"{published.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(EN + f"{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(Publication.objects.all()) == [published]


def test_publication_delete_needs_the_permission(make_staff, make_publication) -> None:
    """The service refuses an author (no delete permission) and deletes for the operator."""
    draft = make_publication(status=Status.DRAFT)
    with pytest.raises(PermissionDenied, match="may not delete"):
        services.publication_delete(actor=make_staff("author"), publication=draft)
    services.publication_delete(actor=COMMAND, publication=draft)
    assert not Publication.objects.exists()
