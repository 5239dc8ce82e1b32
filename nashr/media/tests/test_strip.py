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


def pdf_with_photo(
    jpeg: bytes, *, width: int, height: int, codec: str = "/DCTDecode"
) -> pikepdf.Pdf:
    """A one-page PDF showing `jpeg` as it is (a /DCTDecode image), as word processors do."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(width, height))
    image = pdf.make_stream(
        jpeg,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=width,
        Height=height,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name(codec),
    )
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode())
    return pdf


def saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def decoded(data: bytes) -> bytes:
    """Every object of the PDF `data` with its stream decoded (but images), to search in."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        parts = [data]
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized))
                except pikepdf.PdfError:  # a JPEG: its bytes as they are
                    parts.append(obj.read_raw_bytes())
        return b"".join(parts)


def rendered(data: bytes, folder: Path) -> Image.Image:
    """The first page of the PDF `data` drawn by poppler at 60 dpi."""
    folder.mkdir()
    (folder / "in.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-singlefile", str(folder / "in.pdf"), str(folder / "p")],
        check=True,
    )
    with Image.open(folder / "p.png") as page:
        return page.convert("RGB")


def test_pdf_photo_loses_gps_camera_xmp_and_comment_and_looks_the_same(
    tmp_path: Path, media_root: Path
) -> None:
    """An embedded camera JPEG keeps its pixels, byte for byte, and nothing else."""
    from PIL import ImageChops

    pdf = pdf_with_photo(tagged_photo(tmp_path), width=1600, height=1200)
    original = saved(pdf)

    media = media_upload(actor=COMMAND, name="report.pdf", data=original, title="R", language="en")

    stored = media_root / media.file.name
    extracted = tmp_path / "images"
    extracted.mkdir()
    subprocess.run(["pdfimages", "-all", str(stored), str(extracted / "i")], check=True)
    images = sorted(extracted.iterdir())
    assert [p.suffix for p in images] == [".jpg"]
    found = exiftool(images[0])
    betraying = [
        key
        for key in found
        if key.split(":")[0] in {"GPS", "IFD0", "IFD1", "ExifIFD", "XMP-dc", "XMP-x", "IPTC"}
        or key.endswith(("Comment", "SerialNumber", "Make", "Model", "ThumbnailImage"))
    ]
    assert betraying == []
    assert "pdf_image_exif" in media.removed
    difference = ImageChops.difference(
        rendered(original, tmp_path / "before"), rendered(stored.read_bytes(), tmp_path / "after")
    )
    assert difference.getbbox() is None


def test_rgb_jpeg_keeps_the_adobe_marker_that_says_how_to_decode_it(
    tmp_path: Path, media_root: Path
) -> None:
    """A JPEG stored as RGB (Adobe marker, no colour transform) keeps its colours."""
    from PIL import ImageChops

    out = io.BytesIO()
    Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize((240, 160)),
            *Image.new("RGB", (240, 160), "red").split()[1:],
        ),
    ).save(out, "JPEG", keep_rgb=True, comment=b"Ali Rezaei")
    assert b"Adobe" in out.getvalue()
    original = saved(pdf_with_photo(out.getvalue(), width=240, height=160))

    media = media_upload(actor=COMMAND, name="report.pdf", data=original, title="R", language="en")

    stored = (media_root / media.file.name).read_bytes()
    assert b"Ali Rezaei" not in decoded(stored) and b"Adobe" in stored
    difference = ImageChops.difference(
        rendered(original, tmp_path / "before"), rendered(stored, tmp_path / "after")
    )
    assert difference.getbbox() is None


def test_pdf_loses_metadata_of_every_object_and_comment_authors(media_root: Path) -> None:
    """XMP on fonts, forms and comments, private data, comments' authors and dates, and a
    signature naming its signer go; comments and form fields stay."""
    Name, Dictionary, Array, String = (
        pikepdf.Name, pikepdf.Dictionary, pikepdf.Array, pikepdf.String
    )  # fmt: skip
    pdf = pikepdf.new()
    pdf.add_blank_page()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Ali Rezaei 2023-10-12</x:xmpmeta>'

    def metadata() -> pikepdf.Stream:
        return pdf.make_stream(xmp, Type=Name.Metadata, Subtype=Name.XML)

    form = pdf.make_stream(
        b"", Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 1, 1]), Metadata=metadata(),
        PieceInfo=Dictionary(Illustrator=Dictionary(Private=String("Ali Rezaei"))),
        LastModified=String("D:20231012140000"),
    )  # fmt: skip
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Metadata=metadata())
    )
    page = pdf.pages[0]
    page.Resources = Dictionary(XObject=Dictionary(Fm0=form), Font=Dictionary(F1=font))
    page.obj.LastModified = String("D:20231012140000")
    note = Dictionary(
        Type=Name.Annot, Subtype=Name.Text, Rect=Array([0, 0, 20, 20]),
        Contents=String("Check the numbers"), T=String("Ali Rezaei"), M=String("D:20231012"),
        CreationDate=String("D:20231012"), NM=String("a0c1e2f3-2023-10-12"), Metadata=metadata(),
    )  # fmt: skip
    field = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, Rect=Array([0, 30, 90, 50]),
        T=String("name"), M=String("D:20231012"), P=page.obj,
    ))  # fmt: skip
    signed = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, Rect=Array([0, 60, 90, 80]),
        T=String("signature"), P=page.obj, V=Dictionary(
            Type=Name.Sig, Filter=Name("/Adobe.PPKLite"), Name=String("Ali Rezaei"),
            M=String("D:20231012"), Location=String("Tehran"), Contents=String(b"\x30" * 32),
        ),
    ))  # fmt: skip
    page.Annots = Array([note, field, signed])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field, signed]), SigFlags=3)

    media = media_upload(
        actor=COMMAND, name="report.pdf", data=saved(pdf), title="R", language="en"
    )

    stored = (media_root / media.file.name).read_bytes()
    assert b"Rezaei" not in decoded(stored) and b"2023" not in decoded(stored)
    with pikepdf.open(io.BytesIO(stored)) as cleaned:
        kept_note, kept_field, kept_signature = cleaned.pages[0].Annots
        assert str(kept_note.Contents) == "Check the numbers"
        assert str(kept_field.T) == "name", "a form field keeps its name"
        assert "/V" not in kept_signature
    assert b"Tehran" not in decoded(stored)
    assert {"pdf_xmp", "pdf_annotations", "pdf_info", "pdf_signature"} <= set(media.removed)


def test_jpeg_written_into_the_page_loses_its_metadata(tmp_path: Path, media_root: Path) -> None:
    """An inline JPEG (BI ... ID ... EI in the page's drawing) is stripped as an image object is."""
    from PIL import ImageChops

    jpeg = io.BytesIO()
    Image.linear_gradient("L").resize((32, 32)).convert("RGB").save(
        jpeg, "JPEG", comment=b"Ali Rezaei, Evin north gate"
    )
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(32, 32))
    pdf.pages[0].Contents = pdf.make_stream(
        b"q 32 0 0 32 0 0 cm BI /W 32 /H 32 /CS /RGB /BPC 8 /F /DCT ID\n"
        + jpeg.getvalue()
        + b"\nEI Q"
    )
    original = saved(pdf)

    media = media_upload(actor=COMMAND, name="scan.pdf", data=original, title="S", language="en")

    stored = (media_root / media.file.name).read_bytes()
    assert b"Rezaei" not in decoded(stored)
    difference = ImageChops.difference(
        rendered(original, tmp_path / "before"), rendered(stored, tmp_path / "after")
    )
    assert difference.getbbox() is None


def test_jpeg_2000_photo_loses_its_exif_and_xmp_boxes(tmp_path: Path, media_root: Path) -> None:
    """A /JPXDecode image keeps its codestream and loses the boxes EXIF and XMP ride in."""
    from PIL import ImageChops

    photo = tmp_path / "photo.jp2"
    Image.linear_gradient("L").resize((64, 48)).convert("RGB").save(photo)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", "-XMP-dc:Creator=Ali Rezaei",
         "-GPSLatitude=35.6892", "-GPSLatitudeRef=N", "-Model=Pixel 7", str(photo)],
        check=True,
    )  # fmt: skip
    original = saved(pdf_with_photo(photo.read_bytes(), width=64, height=48, codec="/JPXDecode"))

    media = media_upload(actor=COMMAND, name="scan.pdf", data=original, title="S", language="en")

    stored = (media_root / media.file.name).read_bytes()
    assert b"Rezaei" not in decoded(stored) and b"Pixel 7" not in decoded(stored)
    extracted = tmp_path / "images"
    extracted.mkdir()
    (tmp_path / "stored.pdf").write_bytes(stored)
    subprocess.run(
        ["pdfimages", "-all", str(tmp_path / "stored.pdf"), str(extracted / "i")], check=True
    )
    found = exiftool(next(extracted.iterdir()))
    assert not [key for key in found if key.split(":")[0] in {"GPS", "IFD0", "XMP-dc"}]
    difference = ImageChops.difference(
        rendered(original, tmp_path / "before"), rendered(stored, tmp_path / "after")
    )
    assert difference.getbbox() is None
