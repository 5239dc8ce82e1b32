"""Uploaded files keep nothing that could identify who made them."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from nashr.core.actors import COMMAND
from nashr.media.services import media_upload

from .conftest import tagged_photo

pytestmark = pytest.mark.django_db


def exiftool(path: Path) -> dict[str, object]:
    out = subprocess.run(
        ["exiftool", "-j", "-G1", "-a", "-u", str(path)], capture_output=True, check=True
    )
    return dict(json.loads(out.stdout)[0])


def test_jpeg_loses_gps_camera_xmp_iptc_thumbnail_and_comment(
    tmp_path: Path, media_root: Path
) -> None:
    """Pillow and exiftool find no metadata in the stored file or any variant."""
    original = tagged_photo(tmp_path)
    before = exiftool(tmp_path / "photo.jpg")
    assert "GPS:GPSLatitudeRef" in before and "IFD1:ThumbnailImage" in before

    media = media_upload(
        actor=COMMAND,
        name="IMG_2041.jpg",
        data=original,
        title="Rally",
        language="fa",
        alt_text="جمعیت در میدان",
    )

    assert set(media.removed) >= {"exif", "gps", "camera", "thumbnail", "xmp", "iptc", "comment"}
    names = [media.file.name, *(v["name"] for v in media.variants)]
    for name in names:
        path = media_root / name
        with Image.open(path) as image:
            assert not image.getexif()
            assert not {"exif", "xmp", "comment", "icc_profile", "photoshop"} & set(image.info)
        found = exiftool(path)
        betraying = [
            key
            for key in found
            if key.split(":")[0] in {"GPS", "IFD0", "IFD1", "ExifIFD", "XMP-dc", "XMP-x", "IPTC"}
            or key.endswith(("Comment", "SerialNumber", "Make", "Model", "ThumbnailImage"))
        ]
        assert betraying == [], (name, betraying)
    # Orientation was applied first: the camera said "turn 90°", the pixels are turned.
    assert (media.width, media.height) == (1200, 1600)
    assert "IMG_2041" not in media.file.name


def test_pdf_loses_author_creator_dates_and_xmp(tmp_path: Path, media_root: Path) -> None:
    """Document information and XMP are gone; the pages stay."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["Ali Rezaei"]
    pdf.docinfo["/Author"] = "Ali Rezaei"
    pdf.docinfo["/Creator"] = "Word for Prisoners 2019"
    pdf.docinfo["/CreationDate"] = "D:20231012140000+03'30'"
    source = io.BytesIO()
    pdf.save(source)
    assert b"Ali Rezaei" in source.getvalue()

    media = media_upload(
        actor=COMMAND, name="statement.pdf", data=source.getvalue(), title="S", language="en"
    )

    stored = (media_root / media.file.name).read_bytes()
    assert b"Ali Rezaei" not in stored and b"Word for Prisoners" not in stored
    with pikepdf.open(media_root / media.file.name) as cleaned:
        assert len(cleaned.pages) == 1
        assert "/Metadata" not in cleaned.Root
        assert not cleaned.docinfo.keys() - {"/ModDate"}
    found = exiftool(media_root / media.file.name)
    assert not [key for key in found if key.endswith(("Author", "Creator", "CreateDate"))]
    assert {"pdf_info", "pdf_xmp"} <= set(media.removed)
