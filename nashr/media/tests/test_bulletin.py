"""A bulletin carrying a photo: web variants, an absolute address in the email, print in the PDF."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from nashr.bulletins.rendering import bulletin_email_content, bulletin_pdf, pdf_html
from nashr.bulletins.selectors import bulletin_document
from nashr.core.actors import COMMAND
from nashr.media.services import media_upload

from .conftest import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue_with_photo(
    settings: Any,
    media_root: Path,
    make_series: Callable[..., Any],
    publish_issue: Callable[..., Any],
) -> tuple[Any, Any]:
    settings.NASHR_SITE_URL = "https://nashr.example"
    photo = media_upload(
        actor=COMMAND,
        name="rally.jpg",
        data=photo_bytes(width=2400, height=1600),
        title="Rally",
        language="en",
        alt_text="Crowd on Azadi square",
    )
    issue = publish_issue(make_series(), editorial_body=f"The month.\n\n![](media:{photo.pk})")
    return issue, photo


def test_email_links_images_from_the_site_with_alt_text(issue_with_photo: tuple[Any, Any]) -> None:
    """The email's image is an absolute address on the site, no query string, with alt text."""
    issue, photo = issue_with_photo
    html = bulletin_email_content(
        bulletin=issue, unsubscribe_url="https://u.example/x", manage_url="https://u.example/m"
    ).html
    jpeg = photo.web_variants("JPEG")[1]["name"]
    assert f'src="https://nashr.example/media/{jpeg}"' in html
    assert 'alt="Crowd on Azadi square"' in html
    assert 'src="/media' not in html and 'srcset="/media' not in html
    assert "?" not in html.split(f"/media/{jpeg}")[1][:1]


def test_pdf_embeds_the_print_variant_read_from_disk(issue_with_photo: tuple[Any, Any]) -> None:
    """The PDF's HTML names the print variant, and the PDF holds a 2000-pixel-wide image."""
    issue, photo = issue_with_photo
    html = pdf_html(document=bulletin_document(bulletin=issue))
    assert photo.print_variant()["name"] in html and "srcset" not in html
    with pikepdf.open(io.BytesIO(bulletin_pdf(bulletin=issue))) as pdf:
        widths = [int(image.Width) for page in pdf.pages for image in page.get_images().values()]
    assert 2000 in widths
