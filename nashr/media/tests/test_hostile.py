"""Hostile uploads are refused with a message that says what is wrong."""

from __future__ import annotations

import io
import struct
import zlib

import pikepdf
import pytest
from PIL import Image

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ValidationError
from nashr.media.models import Media
from nashr.media.services import media_upload

from .conftest import photo_bytes

pytestmark = pytest.mark.django_db


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side: int = 30000) -> bytes:
    """A PNG of a few hundred bytes that claims side×side pixels (900 million by default)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", "<script>alert(1)</script>")
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    action = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    pdf.Root.OpenAction = action
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_with_unreadable_image() -> bytes:
    """A PDF whose /DCTDecode image is not a JPEG: what it hides cannot be found."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pdf.make_stream(
        b"GPS 35.6892 N, 51.389 E" * 4,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=8,
        Height=8,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


HOSTILE = {
    "svg_with_script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "SVG",
    ),
    "svg_renamed_png": (
        "logo.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "SVG",
    ),
    "jpeg_zip_polyglot": ("photo.jpg", photo_bytes(width=64, height=64) + zip_bytes(), "hidden"),
    "jpeg_with_html": (
        "photo.jpg",
        photo_bytes(width=64, height=64)[:-2] + b"<html><script>x</script>" + b"\xff\xd9",
        "hides markup",
    ),
    "pdf_behind_html": (
        "statement.pdf",
        b"<html><body>hi</body></html>\n%PDF-1.4\n%%EOF\n",
        "does not start as a PDF",
    ),
    "pdf_with_javascript": ("statement.pdf", pdf_with_javascript(), "script"),
    "pdf_with_unreadable_image": ("statement.pdf", pdf_with_unreadable_image(), "cannot be read"),
    "decompression_bomb": ("bomb.png", bomb_png(), "million"),
    "bomb_below_pillow_limit": ("bomb.png", bomb_png(9000), "9000×9000"),
    "pdf_named_jpg": ("photo.jpg", b"%PDF-1.4\n%%EOF\n", "not an image"),
    "png_named_jpg": ("photo.jpg", b"", "PNG"),
    "executable": ("run.exe", b"MZ\x90\x00", "not accepted"),
}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_upload_is_refused(case: str) -> None:
    """Each kind of hostile file is refused, nothing is stored, and the message says why."""
    name, data, expected = HOSTILE[case]
    if case == "png_named_jpg":
        data = _png()
    with pytest.raises(ValidationError) as refused:
        media_upload(
            actor=COMMAND, name=name, data=data, title="x", language="en", alt_text="a picture"
        )
    assert expected in str(refused.value)
    assert refused.value.hint
    assert not Media.objects.exists()


def test_image_without_alt_text_is_refused() -> None:
    """An image needs alt text; a PDF does not."""
    with pytest.raises(ValidationError) as refused:
        media_upload(
            actor=COMMAND, name="a.png", data=_png(), title="x", language="fa", alt_text="  "
        )
    assert refused.value.where == "alt_text"
    assert not Media.objects.exists()
