"""What a PDF keeps of its author, its camera and its ways to call home, taken out.

A PDF made from a word processor carries far more than its document information: a
photo embedded as a JPEG (``/DCTDecode``) is the camera's file, its EXIF with the GPS
position, make, model and serial number, and its XMP; any object may have its own XMP
(``/Metadata``) or an application's private copy of its data (``/PieceInfo``); comments
name their author (``/T``) and date. All of that goes, and the pages look as they did:
a JPEG keeps every byte needed to decode it (the frame, tables and scans, the JFIF and
Adobe markers, the latter telling whether the colours are stored as RGB, YCbCr, CMYK
or YCCK) and loses its other APPn and COM
segments, the JFIF thumbnail and anything after its end; a JPEG 2000 image
(``/JPXDecode``) loses its XML, UUID and information boxes. Nothing is re-encoded.

Actions that contact another host go too, because a planted "leaked document" would
otherwise report each reader's address:
- every automatic action: the catalogue's ``/OpenAction`` unless it only goes to a page,
  and every ``/AA`` (page open and close, field and annotation events, document save or
  print);
- actions a reader triggers by clicking, except going to a place in the document, a
  named menu action, showing a layer or resetting a form, and a link annotation's web
  address (``/URI``): a reader sees where a link goes before choosing to follow it, and
  a document without its sources would be a worse document. A web address behind a
  bookmark, a form button or a chained ``/Next`` action, which no reader sees, goes, as
  do ``/GoToR`` (a UNC path leaks the reader's Windows credentials), ``/GoToE``,
  ``/SubmitForm``, ``/ImportData``, ``/Sound``, ``/Movie``, ``/Rendition`` and anything
  else;
- annotations that play media (``/Screen``, ``/Movie``, ``/Sound``, ``/3D``) from a
  file or address, and named renditions; reference XObjects' links to another file
  (``/Ref``: the form shows its own copy).
Page thumbnails (``/Thumb``, perhaps a picture of an earlier version) and Web Capture's
record of the addresses pages came from go as well.

Script, ``/Launch``, attached files and XFA forms are refused before this runs (see
processing.py).

pikepdf.sanitize removes outward actions by type, wherever they are, web links included,
and leaves other automatic ones; the rule here goes by trigger instead: nothing runs by
itself but going to a page, and a click may still follow a link.
"""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

# Only these may run when a reader clicks: none leaves the document. A link annotation
# may also open a web address, which the reader's viewer shows on hovering over it.
_CLICK_ACTIONS = {"/GoTo", "/Named", "/SetOCGState", "/ResetForm", "/Hide", "/Trans"}
_MEDIA_ANNOTATIONS = {"/Screen", "/Movie", "/Sound", "/3D", "/RichMedia"}
# An annotation's author, the dates it was made and changed, and its name, which Acrobat
# makes a UUID (one of the time-and-network-card kind, in old versions).
_ANNOTATION_PERSONAL = ("/T", "/M", "/CreationDate", "/NM")
# On a form's widget /T is the field's name, which the form needs.
_WIDGET_PERSONAL = ("/M", "/CreationDate", "/NM")
# Application-private data and its dates, on any object.
_PRIVATE = ("/PieceInfo", "/LastModified")


class DamagedImage(ValueError):
    """An embedded JPEG or JPEG 2000 image that does not parse: its metadata cannot be found."""


def scrub(pdf: pikepdf.Pdf) -> list[str]:
    """Remove metadata and outward actions from `pdf`; say what was there (REMOVED_LABELS keys).

    The document information and the file identifier are the caller's: they live in the
    trailer, which is written anew on save.
    """
    removed: set[str] = set()
    root = pdf.Root
    if "/Metadata" in root:
        removed.add("pdf_xmp")
    opening = root.get("/OpenAction")
    if isinstance(opening, Dictionary) and opening.get("/S") != Name.GoTo:
        del root["/OpenAction"]
        removed.add("pdf_actions")
    elif isinstance(opening, Dictionary) and "/Next" in opening:
        del opening["/Next"]
        removed.add("pdf_actions")
    if "/SpiderInfo" in root:
        del root["/SpiderInfo"]  # Web Capture: the addresses the pages were taken from
        removed.add("pdf_info")
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key in ("/URLS", "/IDS", "/Renditions"):
            if key in names:
                del names[key]
                removed.add("pdf_info" if key != "/Renditions" else "pdf_actions")
    for thread in root.get("/Threads", Array()):
        if isinstance(thread, Dictionary) and "/I" in thread:
            del thread["/I"]  # an article thread's own title, author and dates
            removed.add("pdf_info")
    for page in pdf.pages:
        if _drop_media_annotations(page.obj):
            removed.add("pdf_actions")
    for dictionary in _dictionaries(pdf):
        removed.update(_scrub_dictionary(dictionary))
    for page in pdf.pages:
        # A JPEG written into the page's drawing (BI ... ID ... EI) becomes an image
        # object, stripped below as the others are.
        page.externalize_inline_images(min_size=0, shallow=False)
    for obj in pdf.objects:
        if isinstance(obj, Stream) and _strip_image_stream(obj):
            removed.add("pdf_image_exif")
    return sorted(removed)


def _drop_media_annotations(page: Dictionary) -> bool:
    annotations = page.get("/Annots")
    if not isinstance(annotations, Array):
        return False
    kept = [
        a
        for a in annotations
        if not (isinstance(a, Dictionary) and str(a.get("/Subtype")) in _MEDIA_ANNOTATIONS)
    ]
    if len(kept) == len(annotations):
        return False
    page["/Annots"] = Array(kept)
    return True


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[Dictionary | Stream]:
    """Every dictionary of `pdf`, indirect or nested directly in another object, once."""
    pending: list[pikepdf.Object] = [obj for obj in pdf.objects if _is_container(obj)]
    while pending:
        obj = pending.pop()
        if isinstance(obj, (Dictionary, Stream)):
            yield obj
            children = list(obj.values())
        else:
            children = list(obj)
        # Indirect children are in `pdf.objects` already; only direct ones are found here.
        pending.extend(c for c in children if _is_container(c) and not c.is_indirect)


def _is_container(obj: object) -> bool:
    return isinstance(obj, (Dictionary, Stream, Array))


def _scrub_dictionary(obj: Dictionary | Stream) -> set[str]:
    removed: set[str] = set()
    if "/Metadata" in obj:
        del obj["/Metadata"]
        removed.add("pdf_xmp")
    for key in _PRIVATE:
        if key in obj:
            del obj[key]
            removed.add("pdf_info")
    if obj.get("/Type") == Name.OCG and "/Usage" in obj:
        # A layer's usage may name its creator and the application.
        del obj["/Usage"]
        removed.add("pdf_info")
    if isinstance(obj, Stream):
        for key in ("/Ref", "/OPI") if obj.get("/Subtype") == Name.Form else ("/OPI",):
            if key in obj:
                del obj[key]
                removed.add("pdf_actions")
        return removed
    if "/AA" in obj:
        del obj["/AA"]
        removed.add("pdf_actions")
    clicked = obj.get("/A")
    web_link = obj.get("/Subtype") == Name.Link and _is_web_link(clicked)
    if isinstance(clicked, Dictionary) and not (web_link or _click_allowed(clicked)):
        del obj["/A"]
        removed.add("pdf_actions")
    if "/S" in obj and "/Next" in obj:
        removed.update(_filter_next(obj))
    if "/Thumb" in obj and obj.get("/Type") == Name.Page:
        del obj["/Thumb"]
        removed.add("pdf_info")
    if obj.get("/Type") == Name.Annot or ("/Subtype" in obj and "/Rect" in obj):
        personal = _WIDGET_PERSONAL if obj.get("/Subtype") == Name.Widget else _ANNOTATION_PERSONAL
        for key in personal:
            if key in obj:
                del obj[key]
                removed.add("pdf_annotations")
    if obj.get("/FT") == Name.Sig and "/V" in obj:
        # The signature names the signer (and its certificate): the rewritten file breaks
        # it anyway.
        del obj["/V"]
        removed.add("pdf_signature")
    if obj.get("/Type") == Name.Catalog and "/Perms" in obj:
        del obj["/Perms"]
        removed.add("pdf_signature")
    return removed


def _click_allowed(action: Dictionary) -> bool:
    return str(action.get("/S")) in _CLICK_ACTIONS


def _is_web_link(action: object) -> bool:
    return isinstance(action, Dictionary) and action.get("/S") == Name.URI


def _filter_next(action: Dictionary) -> set[str]:
    following = action["/Next"]
    if isinstance(following, Dictionary):
        if _click_allowed(following):
            return set()
        del action["/Next"]
        return {"pdf_actions"}
    if isinstance(following, Array):
        kept = [a for a in following if isinstance(a, Dictionary) and _click_allowed(a)]
        if len(kept) == len(following):
            return set()
        action["/Next"] = Array(kept)
        return {"pdf_actions"}
    return set()


def _strip_image_stream(stream: Stream) -> bool:
    """Strip an embedded JPEG or JPEG 2000 image's metadata; whether it had any."""
    filters = stream.get("/Filter")
    chain: list[object] = list(filters) if isinstance(filters, Array) else [filters]
    codec = chain[-1] if chain else None
    if not isinstance(codec, Name) or codec not in (Name.DCTDecode, Name.JPXDecode):
        return False
    if len(chain) == 1:
        original = stream.read_raw_bytes()
    else:
        # An image deflated once more: undo the lossless filters, keep the image's own.
        original = stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized)
    if codec == Name.DCTDecode:
        stripped = jpeg_without_metadata(original)
    else:
        stripped = jp2_without_metadata(original)
    if stripped == original and len(chain) == 1:
        return False
    if "/DecodeParms" in stream:
        del stream["/DecodeParms"]
    stream.write(stripped, filter=codec)
    return stripped != original


_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
# The boxes a JPEG 2000 file needs to be drawn: signature, file type, reader
# requirements, header (size, colours), codestream and the JPX layer headers. XML, UUID
# (where EXIF and XMP go), and information boxes are left out.
_JP2_KEPT = {b"jP  ", b"ftyp", b"rreq", b"jp2h", b"jp2c", b"jpch", b"jplh"}


def jp2_without_metadata(data: bytes) -> bytes:
    """The JPEG 2000 file `data` with only the boxes drawing it needs.

    A bare codestream (a JPXDecode stream need not be a JP2 file) has no boxes to carry
    EXIF or XMP and is returned as it is. Raises DamagedImage when a box runs past the end.
    """
    if not data.startswith(_JP2_SIGNATURE):
        return data
    out = bytearray()
    at = 0
    size = len(data)
    while at < size:
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if length == 1:
            length = int.from_bytes(data[at + 8 : at + 16], "big")
        elif length == 0:
            length = size - at  # the last box runs to the end
        if length < 8 or at + length > size:
            raise DamagedImage(f"a JPEG 2000 box at byte {at} runs past the end")
        if kind in _JP2_KEPT:
            out += data[at : at + length]
        at += length
    return bytes(out)


_JFIF = b"JFIF\x00"
_ADOBE = b"Adobe"
_STANDALONE = {0x01, *range(0xD0, 0xD9)}  # TEM, RSTn, SOI


def jpeg_without_metadata(data: bytes) -> bytes:
    """The JPEG `data` with only what decoding needs: no EXIF, XMP, ICC, IPTC or comment.

    Kept: every segment that is not APPn or COM, a JFIF APP0 without its thumbnail, and
    an Adobe APP14 (its transform flag says whether four channels are CMYK or YCCK). A
    file cut short keeps what it has; bytes after its end are dropped. Raises
    DamagedImage when it does not start as a JPEG or a segment runs past its end.
    """
    if not data.startswith(b"\xff\xd8"):
        raise DamagedImage("no start-of-image marker")
    out = bytearray(b"\xff\xd8")
    at = 2
    size = len(data)
    while True:
        # Bytes between segments that are not a marker are skipped, as decoders do.
        at = data.find(b"\xff", at)
        while 0 <= at < size and data[at] == 0xFF:
            at += 1  # fill bytes
        if at < 0 or at >= size:
            return bytes(out + b"\xff\xd9")  # a truncated file: what is there is kept
        marker = data[at]
        at += 1
        if marker == 0xD9:
            return bytes(out + b"\xff\xd9")  # anything after the end of image is dropped
        if marker in _STANDALONE:
            out += bytes((0xFF, marker))
            continue
        length = int.from_bytes(data[at : at + 2], "big")
        if length < 2 or at + length > size:
            raise DamagedImage(f"a segment at byte {at} runs past the end")
        payload = data[at + 2 : at + length]
        at += length
        kept = _kept_segment(marker, payload)
        if kept is not None:
            out += bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept
        if marker == 0xDA:
            scan_end = _scan_end(data, at)
            out += data[at:scan_end]
            at = scan_end


def _kept_segment(marker: int, payload: bytes) -> bytes | None:
    if marker == 0xE0 and payload.startswith(_JFIF) and len(payload) >= 14:
        return payload[:12] + b"\x00\x00"  # version, units, density; no thumbnail
    if marker == 0xEE and payload.startswith(_ADOBE) and len(payload) >= 12:
        return payload[:12]
    if 0xE0 <= marker <= 0xEF or marker == 0xFE:
        return None
    return payload


def _scan_end(data: bytes, at: int) -> int:
    """Where the entropy-coded data from `at` ends: the next marker but a restart, or the end."""
    size = len(data)
    while True:
        at = data.find(b"\xff", at)
        if at < 0:
            return size
        probe = at + 1
        while probe < size and data[probe] == 0xFF:
            probe += 1  # fill bytes before a marker
        if probe >= size:
            return at
        if data[probe] == 0x00 or 0xD0 <= data[probe] <= 0xD7:
            at = probe + 1  # a stuffed 0xFF byte, or a restart marker inside the scan
            continue
        return at
