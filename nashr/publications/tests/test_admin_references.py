"""`media:ID` references in the admin: shown as typed wherever an editor reads source text,
and refused on the field when they lead to no upload."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ValidationError
from nashr.media.models import Media
from nashr.media.services import media_upload
from nashr.publications import services
from nashr.publications.models import Publication, Status

pytestmark = pytest.mark.django_db
ADMIN = "/fa/admin/publications/publication/"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a folder of the test's own."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def photo() -> Media:
    picture = Image.linear_gradient("L").resize((1200, 800)).convert("RGB")
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return media_upload(
        actor=COMMAND,
        name="rally.jpg",
        data=out.getvalue(),
        title="Rally",
        language="en",
        alt_text="Crowd on the square",
    )


def _translation_form(original: Publication, **overrides: Any) -> dict[str, Any]:
    data = {
        "language": "en",
        "kind": original.kind_id,
        "title": "Statement",
        "slug": "",
        "summary": "",
        "body": "Text.",
        "signatory": original.signatory_id or "",
        "date": "۱۴۰۲/۱۲/۱۵",
        "status": Status.DRAFT,
        "source_url": "",
        "legacy_path": "",
        "translation_of": original.pk,
    }
    data.update(overrides)
    return data


def _errors(response: Any) -> str:
    page = html.unescape(response.content.decode())
    return " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S))


def test_translation_form_shows_the_originals_references_as_typed(
    admin_client: Any, make_publication: Any, photo: Media
) -> None:
    """Beside the translation form, the Persian original's `![](media:N)` keeps its Latin
    digits (copied into the English body, it still shows the image)."""
    statement = make_publication(title="بیانیه ۱۲", body=f"متن 12.\n\n![](media:{photo.pk})")
    response = admin_client.get(f"{ADMIN}add/", {"translation_of": statement.pk, "language": "en"})
    page = html.unescape(response.content.decode())
    source = page[page.index('class="nashr-preview"') :]
    source = source[: source.index("</details>")]
    assert f"![](media:{photo.pk})" in source
    assert "متن 12." in source
    assert "media:۱" not in page


def test_revisions_page_shows_references_as_typed(
    admin_client: Any, make_publication: Any, photo: Media
) -> None:
    """The differences between two revisions show the added text as typed: `media:N` and
    the number 12 in Latin digits."""
    statement = make_publication(title="بیانیه", body="متن.")
    services.publication_update(
        actor=COMMAND, publication=statement, body=f"متن 12.\n\n![](media:{photo.pk})"
    )
    page = html.unescape(admin_client.get(f"{ADMIN}{statement.pk}/revisions/").content.decode())
    diff = page[page.index('class="nashr-diff"') :]
    diff = diff[: diff.index("</div>")]
    assert f"media:{photo.pk})" in diff and "12" in diff
    assert re.search(r"media:[۰-۹]", diff) is None


def test_translation_with_a_reference_in_persian_digits_is_refused_on_the_body(
    admin_client: Any, make_publication: Any, photo: Media
) -> None:
    """A translation whose body carries `![](media:۱)` is not saved: the body field says
    which reference leads to no upload."""
    statement = make_publication(title="بیانیه")
    response = admin_client.post(
        f"{ADMIN}add/", _translation_form(statement, body="Text.\n\n![](media:۱)")
    )
    assert response.status_code == 200
    assert "media:۱" in _errors(response)
    page = html.unescape(response.content.decode())
    row = page[page.index("field-body") :]
    row = row[: row.index("<textarea")]
    assert "errorlist" in row and "media:۱" in row
    assert not Publication.objects.filter(language="en").exists()


def test_translation_with_an_unknown_upload_is_refused_and_a_known_one_saved(
    admin_client: Any, make_publication: Any, photo: Media
) -> None:
    """`[the PDF](media:999)` with no upload 999 is refused naming it; the same translation
    referring to an existing upload is saved with the image in its page."""
    statement = make_publication(title="بیانیه")
    missing = photo.pk + 999
    response = admin_client.post(
        f"{ADMIN}add/", _translation_form(statement, body=f"Text, [the PDF](media:{missing}).")
    )
    assert f"media:{missing}" in _errors(response)
    assert not Publication.objects.filter(language="en").exists()
    response = admin_client.post(
        f"{ADMIN}add/", _translation_form(statement, body=f"Text.\n\n![](media:{photo.pk})")
    )
    assert response.status_code == 302, _errors(response)
    assert "<picture>" in Publication.objects.get(language="en").body_html


def test_services_refuse_an_unresolved_reference_on_the_body(
    make_publication: Any, photo: Media
) -> None:
    """`translation_create` and `publication_update` refuse a body whose reference shows
    nothing (an image reference to no image), naming the field and the reference."""
    statement = make_publication(title="بیانیه")
    with pytest.raises(ValidationError) as refused:
        services.translation_create(
            actor=COMMAND, original=statement, language="en", title="S", body="![](media:12345)"
        )
    assert refused.value.where == "body" and "media:12345" in refused.value.message
    with pytest.raises(ValidationError) as refused:
        services.publication_update(
            actor=COMMAND, publication=statement, body="![x](media:۳) and [file](media:abc)"
        )
    assert refused.value.where == "body"
    assert "media:۳" in refused.value.message and "media:abc" in refused.value.message
    statement.refresh_from_db()
    assert "media:" not in statement.body
