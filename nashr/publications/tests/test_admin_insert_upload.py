"""An image or a PDF inserted from the publication form: uploaded through the media
service on save (cleaned as any upload), its reference added to the body, no script
needed; references read left to right where an editor sees source text."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from playwright.sync_api import FilePayload

from nashr.core.actors import COMMAND
from nashr.media.models import Media, MediaKind
from nashr.media.services import media_upload
from nashr.publications.admin_forms import insert_reference
from nashr.publications.models import Publication, Status
from nashr.testing.plugin import BrowserPage

pytestmark = pytest.mark.django_db

ADMIN = "/fa/admin/publications/publication/"
MEDIA_ADD = "/fa/admin/media/media/add/"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def editor_client(make_staff: Callable[..., Any]) -> Client:
    client = Client()
    client.force_login(make_staff("editor"))
    return client


@pytest.fixture
def draft(make_publication: Callable[..., Publication]) -> Publication:
    return make_publication(status=Status.DRAFT, body="بند نخست.\n\nبند دوم.")


def _photo() -> SimpleUploadedFile:
    """A JPEG whose EXIF names the camera."""
    exif = Image.Exif()
    exif[0x010F] = "CanonMakerTag"  # Make
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(out, "JPEG", exif=exif)
    assert b"CanonMakerTag" in out.getvalue()
    return SimpleUploadedFile("rally-photo.jpg", out.getvalue(), content_type="image/jpeg")


def _pdf() -> SimpleUploadedFile:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Ali Rezaei"
    out = io.BytesIO()
    pdf.save(out)
    return SimpleUploadedFile("statement.pdf", out.getvalue(), content_type="application/pdf")


def _form(publication: Publication, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "kind": publication.kind_id,
        "title": publication.title,
        "slug": publication.slug,
        "summary": publication.summary,
        "body": publication.body,
        "signatory": publication.signatory_id or "",
        "date": "۱۴۰۲/۰۸/۰۹",
        "date_shown": publication.date_shown,
        "status": publication.status,
        "publish_at_0": "",
        "publish_at_1": "",
        "source_url": "",
        "legacy_path": "",
        "insert_text": "",
        "insert_at": "",
    }
    form.update(changes)
    return form


def test_an_image_chosen_on_the_form_is_cleaned_and_referenced(
    editor_client: Client, draft: Publication, media_root: Path
) -> None:
    """Saving with a photo chosen uploads it without its camera data and adds its
    reference to the end of the body, as a paragraph of its own."""
    response = editor_client.post(
        f"{ADMIN}{draft.pk}/change/",
        _form(draft, insert_file=_photo(), insert_text="جمعیت در میدان"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    media = Media.objects.get()
    assert media.kind == MediaKind.IMAGE
    assert media.alt_text == "جمعیت در میدان"
    assert media.language == "fa"
    assert b"CanonMakerTag" not in (media_root / media.file.name).read_bytes()
    draft.refresh_from_db()
    assert draft.body == f"بند نخست.\n\nبند دوم.\n\n![](media:{media.pk})\n"
    assert "<picture>" in draft.body_html


def test_the_reference_goes_where_the_cursor_was(editor_client: Client, draft: Publication) -> None:
    """With the cursor's position (sent by the form's script), the reference goes there."""
    at = len("بند نخست.")
    response = editor_client.post(
        f"{ADMIN}{draft.pk}/change/",
        _form(draft, insert_file=_photo(), insert_text="جمعیت", insert_at=at),
    )
    assert response.status_code == 302
    media = Media.objects.get()
    draft.refresh_from_db()
    assert draft.body == f"بند نخست.\n\n![](media:{media.pk})\n\nبند دوم."


def test_a_pdf_needs_no_alt_text_and_becomes_a_link(
    editor_client: Client, draft: Publication
) -> None:
    """A PDF is linked with the text typed for it, and carries no alt text."""
    response = editor_client.post(
        f"{ADMIN}{draft.pk}/change/",
        _form(draft, insert_file=_pdf(), insert_text="متن کامل بیانیه"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    media = Media.objects.get()
    assert media.kind == MediaKind.DOCUMENT
    assert media.alt_text == ""
    draft.refresh_from_db()
    assert draft.body.endswith(f"[متن کامل بیانیه](media:{media.pk})\n")


def test_an_image_without_alt_text_is_refused_on_the_form(
    editor_client: Client, draft: Publication
) -> None:
    """The refusal shows on the insert field; neither the file nor the text is saved, and
    the editor is told the file must be chosen again."""
    response = editor_client.post(
        f"{ADMIN}{draft.pk}/change/",
        _form(draft, body="متن تازه.", insert_file=_photo()),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“rally-photo.jpg”: an image needs alt text" in page
    assert "«rally-photo.jpg» نگه داشته نشد" in page
    assert "متن تازه." in page  # the typed text is still in the box
    assert not Media.objects.exists()
    draft.refresh_from_db()
    assert draft.body == "بند نخست.\n\nبند دوم."


def test_a_refused_upload_says_the_file_was_not_kept(
    make_staff: Callable[..., Any], client: Client
) -> None:
    """On the upload page, a save refused for another field names the chosen file and
    says to choose it again."""
    client.force_login(make_staff("editor"))
    response = client.post(
        MEDIA_ADD, {"upload": _pdf(), "title": "", "language": "", "alt_text": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "«statement.pdf» نگه داشته نشد" in page
    assert not Media.objects.exists()


def test_a_pdf_is_uploaded_without_a_language(
    make_staff: Callable[..., Any], client: Client
) -> None:
    """The language of the alt text is not asked of a PDF, which has none."""
    client.force_login(make_staff("editor"))
    response = client.post(
        MEDIA_ADD, {"upload": _pdf(), "title": "بیانیه", "language": "", "alt_text": ""}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Media.objects.get().kind == MediaKind.DOCUMENT


def test_references_read_left_to_right_in_the_original_shown_to_translators(
    editor_client: Client, make_publication: Callable[..., Publication]
) -> None:
    """Beside the translation form, the original's references are isolated left to right."""
    photo = _photo()
    media = media_upload(
        actor=COMMAND,
        name="rally-photo.jpg",
        data=photo.read(),
        title="عکس",
        language="fa",
        alt_text="عکس",
    )
    reference = f"![](media:{media.pk})"
    original = make_publication(body=f"پیش از عکس {reference} پس از آن.")
    page = editor_client.get(
        f"{ADMIN}add/", {"translation_of": str(original.pk), "language": "en"}
    ).content.decode()
    assert f'<code dir="ltr" class="nashr-reference">{reference}</code>' in page


@pytest.mark.parametrize(
    ("body", "at", "expected"),
    [
        ("", None, "R\n"),
        ("a\r\nb", 1, "a\r\n\r\nR\r\n\r\nb"),
        ("a\n\nb\n", None, "a\n\nb\n\nR\n"),
        ("a", 99, "a\n\nR\n"),
    ],
)
def test_insert_reference_keeps_a_paragraph_and_the_line_breaks(
    body: str, at: int | None, expected: str
) -> None:
    """The reference is a paragraph of its own, at the cursor or the end; CRLF stays."""
    assert insert_reference(body, "R", at=at) == expected


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_inserts_the_reference_at_the_cursor(
    live_server: Any,
    make_staff: Callable[..., Any],
    make_publication: Callable[..., Publication],
    browser_page: BrowserPage,
) -> None:
    """In Chromium, the form's script sends the cursor's place (after a paragraph holding
    a character outside the BMP, counted once), and the body's lines each read in the
    direction of their first letter."""
    make_staff("editor", username="editor")
    draft = make_publication(status=Status.DRAFT, body="بند نخست 🙂.\n\nبند دوم.")
    page = browser_page.page
    change = f"/fa/admin/publications/publication/{draft.pk}/change/"
    page.goto(f"{live_server.url}/fa/admin/login/?next={change}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long passphrase 42")
    page.click("#login-form input[type=submit]")
    page.wait_for_selector("#id_body")
    assert page.eval_on_selector("#id_body", "e => getComputedStyle(e).unicodeBidi") == (
        "plaintext"
    )
    page.click("#id_body")
    page.eval_on_selector(
        "#id_body", "e => { const at = e.value.indexOf('\\n'); e.setSelectionRange(at, at); }"
    )
    photo = _photo()
    payload: FilePayload = {
        "name": photo.name or "",
        "mimeType": "image/jpeg",
        "buffer": photo.read(),
    }
    page.set_input_files("#id_insert_file", payload)
    page.fill("#id_insert_text", "جمعیت در میدان")
    page.click("input[name=_save]")
    page.wait_for_url("**/publication/")
    media = Media.objects.get()
    draft.refresh_from_db()
    assert draft.body.replace("\r\n", "\n") == (
        f"بند نخست 🙂.\n\n![](media:{media.pk})\n\nبند دوم."
    )
    blocked = [line for line in browser_page.console if "Content Security Policy" in line]
    assert blocked == []
