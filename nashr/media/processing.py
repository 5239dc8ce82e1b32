"""Turning an uploaded file into files that betray no one, or refusing it.

An image is decoded, turned upright by its EXIF orientation, converted to sRGB and
encoded again from its pixels alone: nothing of the original file but the picture
survives (EXIF with its GPS position and camera serial number, XMP, IPTC, the embedded
thumbnail, comments, the colour profile that names the device). A PDF keeps its pages
and loses its document information, its file identifier, every object's XMP, its photos'
EXIF, its comments' authors and dates, and actions that would contact another host when
it is read (pdfclean.py says which).

What is refused, and why:
- a file whose extension does not say what it is (a PDF named .jpg): the editor meant
  something else, and a browser could be led to treat it as the other type;
- SVG, always: it is an XML document that can carry script, event handlers and
  references to other hosts; cleaning it is a race against every renderer's quirks, and
  rasterizing it would need one more large parser on the server. An editor exports a PNG;
- a polyglot: bytes after the image's end, or markup or an archive hidden in it, and a PDF
  whose header is not at its start or that carries script, launch actions or attached
  files;
- a decompression bomb: more pixels than ``NASHR_MEDIA_MAX_PIXELS``, judged from the
  header before any pixel is decoded.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from PIL.ExifTags import IFD

from nashr.core.exceptions import ValidationError

IMAGE_EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
DOCUMENT_EXTENSIONS = {"pdf"}
# Widths of the variants offered to browsers (`srcset`), and of the one a PDF embeds.
VARIANT_WIDTHS = (480, 800, 1200, 1600)
PRINT_WIDTH = 2000
WEBP_QUALITY = 72
# Wide variants are for screens of 2-3 device pixels per CSS pixel, where compression
# artefacts are a third their size: a lower quality keeps a phone's page light.
WEBP_QUALITY_DENSE = 52
DENSE_FROM = 1200
JPEG_QUALITY = 80
# Markup, script and archives have no business inside a picture or a statement's PDF.
_HIDDEN = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed)\b|<\?php|javascript:",
    re.IGNORECASE,
)
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")

REMOVED_LABELS = {
    "exif": _("EXIF data"),
    "gps": _("GPS position"),
    "camera": _("camera make, model or serial number"),
    "datetime": _("time the photo was taken"),
    "thumbnail": _("embedded thumbnail"),
    "xmp": _("XMP metadata"),
    "iptc": _("IPTC data"),
    "comment": _("comment"),
    "icc": _("colour profile"),
    "pdf_info": _("document information (author, creator tool, dates)"),
    "pdf_xmp": _("XMP metadata of the document"),
    "pdf_id": _("document identifier"),
    "pdf_image_exif": _(
        "EXIF and other data of the photos in the document (GPS position, camera, time taken)"
    ),
    "pdf_annotations": _("authors and dates of comments"),
    "pdf_actions": _("actions that open other addresses or files when the document is read"),
    "pdf_signature": _("digital signature (the signer's name and certificate)"),
}


@dataclass
class Variant:
    """One encoded rendition of an image: `purpose` is "web" or "print"."""

    format: str
    width: int
    height: int
    data: bytes
    purpose: str = "web"

    @property
    def extension(self) -> str:
        return {"WEBP": "webp", "JPEG": "jpg", "PNG": "png", "AVIF": "avif"}[self.format]

    @property
    def content_type(self) -> str:
        return f"image/{'jpeg' if self.format == 'JPEG' else self.extension}"


@dataclass
class Cleaned:
    """What an upload became: the clean file, its variants and what was removed."""

    kind: str
    data: bytes
    content_type: str
    extension: str
    removed: list[str]
    width: int | None = None
    height: int | None = None
    variants: list[Variant] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _refuse(name: str, message: str, hint: str) -> ValidationError:
    return ValidationError(message, where=name, hint=hint)


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def clean_upload(*, name: str, data: bytes) -> Cleaned:
    """The upload `name` (its bytes `data`) cleaned, or a ValidationError saying why not."""
    limit = int(settings.NASHR_MEDIA_MAX_BYTES)
    if len(data) > limit:
        raise _refuse(
            name,
            f"the file is {len(data) // 1_000_000} MB, more than the {limit // 1_000_000} MB "
            "allowed",
            "send a smaller file (a photo exported at 4000 pixels is plenty)",
        )
    extension = extension_of(name)
    if extension == "svg" or data.lstrip()[:5].lower() in (b"<?xml", b"<svg "):
        raise _refuse(
            name,
            "SVG files are not accepted: they can carry script",
            "export the drawing as PNG and upload that",
        )
    if extension in DOCUMENT_EXTENSIONS:
        return _clean_pdf(name, data)
    if extension in IMAGE_EXTENSIONS:
        return _clean_image(name, data, IMAGE_EXTENSIONS[extension])
    raise _refuse(
        name,
        f"files ending in “.{extension}” are not accepted"
        if extension
        else "the file has no extension",
        "upload a JPEG, PNG or WebP image, or a PDF",
    )


def _check_hidden(name: str, data: bytes) -> None:
    if _HIDDEN.search(data):
        raise _refuse(
            name,
            "the file hides markup, script or an archive inside it",
            "export the image or document again from the program that made it",
        )


def _image_end(data: bytes, fmt: str) -> int | None:
    """Where the encoded image ends (None when the format does not say)."""
    if fmt == "JPEG":
        end = data.rfind(b"\xff\xd9")
        return end + 2 if end >= 0 else None
    if fmt == "PNG":
        end = data.rfind(b"IEND")
        return end + 8 if end >= 0 else None
    if fmt == "WEBP" and data[:4] == b"RIFF":
        return int.from_bytes(data[4:8], "little") + 8
    return None


def _removed_from_image(image: Image.Image) -> list[str]:
    """Which metadata the original carried, as keys of REMOVED_LABELS."""
    removed: list[str] = []
    exif = image.getexif()
    if exif or "exif" in image.info:
        removed.append("exif")
        if exif.get_ifd(IFD.GPSInfo):
            removed.append("gps")
        if any(tag in exif for tag in (0x010F, 0x0110)) or exif.get_ifd(IFD.Exif).get(0xA431):
            removed.append("camera")
        if 0x0132 in exif or 0x9003 in exif.get_ifd(IFD.Exif):
            removed.append("datetime")
        if exif.get_ifd(IFD.IFD1) or _has_thumbnail(image):
            removed.append("thumbnail")
    if "xmp" in image.info or "XML:com.adobe.xmp" in image.info:
        removed.append("xmp")
    applist: list[tuple[str, bytes]] = getattr(image, "applist", [])
    if "photoshop" in image.info or any(marker == "APP13" for marker, _ in applist):
        removed.append("iptc")
    if "comment" in image.info:
        removed.append("comment")
    if "icc_profile" in image.info:
        removed.append("icc")
    return removed


def _has_thumbnail(image: Image.Image) -> bool:
    try:
        return bool(image.getexif().get_ifd(IFD.IFD1))
    except (KeyError, ValueError):
        return False


def _clean_image(name: str, data: bytes, expected: str) -> Cleaned:
    pixels = int(settings.NASHR_MEDIA_MAX_PIXELS)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
    except Image.DecompressionBombError as exc:
        # Pillow's own guard, for images far above its limit, fires while reading the header.
        raise _refuse(
            name,
            f"the image has more than the {pixels // 1_000_000} million pixels allowed",
            "scale it down before uploading",
        ) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise _refuse(
            name, "the file is not an image that can be read", "export it again as JPEG or PNG"
        ) from exc
    if fmt != expected:
        raise _refuse(
            name,
            f"the file is a {fmt or 'file of another kind'} but its name ends in "
            f"“.{extension_of(name)}”",
            "rename it with the right extension, or export it again",
        )
    if width * height > pixels:
        raise _refuse(
            name,
            f"the image is {width}×{height} pixels, more than the {pixels // 1_000_000} million "
            "allowed",
            "scale it down before uploading",
        )
    end = _image_end(data, fmt)
    if end is not None and data[end:].strip(b"\x00\r\n "):
        raise _refuse(
            name,
            "the file goes on after the image ends: something is hidden in it",
            "export the image again from the program that made it",
        )
    _check_hidden(name, data)
    try:
        with Image.open(io.BytesIO(data)) as original:
            removed = _removed_from_image(original)
            upright = ImageOps.exif_transpose(original)
            picture = _to_srgb(upright)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _refuse(name, "the image is damaged", "export it again as JPEG or PNG") from exc
    return _encode(picture, removed)


def _to_srgb(image: Image.Image) -> Image.Image:
    """The pixels alone, in sRGB (with their alpha if any), with no info or profile."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "P") and _has_alpha(image) else "RGB"
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(
                image.convert(mode), source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
            if converted is not None:
                image = converted
        except ImageCms.PyCMSError:
            pass
    # A new image from the pixel data: no `info`, no EXIF, nothing the encoder could copy.
    fresh = Image.new(mode, image.size)
    fresh.paste(image.convert(mode))
    return fresh


def _has_alpha(image: Image.Image) -> bool:
    if image.mode == "P":
        return "transparency" in image.info
    return bool(image.getextrema()[-1] != (255, 255))


def _encode(picture: Image.Image, removed: list[str]) -> Cleaned:
    has_alpha = picture.mode == "RGBA"
    fallback = "PNG" if has_alpha else "JPEG"
    main = _save(picture, fallback)
    width, height = picture.size
    variants: list[Variant] = []
    for target in sorted({min(w, width) for w in VARIANT_WIDTHS}):
        scaled = _scaled(picture, target)
        webp_quality = WEBP_QUALITY_DENSE if scaled.width >= DENSE_FROM else WEBP_QUALITY
        variants.append(Variant("WEBP", *scaled.size, _save(scaled, "WEBP", quality=webp_quality)))
        variants.append(Variant(fallback, *scaled.size, _save(scaled, fallback)))
    printed = _scaled(picture, min(PRINT_WIDTH, width))
    variants.append(Variant(fallback, *printed.size, _save(printed, fallback, quality=88), "print"))
    return Cleaned(
        kind="image",
        data=main,
        content_type="image/png" if has_alpha else "image/jpeg",
        extension="png" if has_alpha else "jpg",
        removed=removed,
        width=width,
        height=height,
        variants=variants,
    )


def _scaled(picture: Image.Image, width: int) -> Image.Image:
    if width >= picture.width:
        return picture
    height = max(1, round(picture.height * width / picture.width))
    # reducing_gap: a cheap integer reduction first, then Lanczos; same look, a few times faster.
    return picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _save(picture: Image.Image, fmt: str, *, quality: int | None = None) -> bytes:
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if fmt == "JPEG":
        options = {"quality": quality or JPEG_QUALITY, "optimize": True, "progressive": True}
    elif fmt == "WEBP":
        options = {"quality": quality or WEBP_QUALITY, "method": 4}
    elif fmt == "PNG":
        options = {"optimize": True}
    picture.save(out, fmt, **options)
    return out.getvalue()


def _clean_pdf(name: str, data: bytes) -> Cleaned:
    # Imported when a PDF comes: pikepdf takes half a second to import, which every
    # command, worker and sender process would otherwise pay at start.
    import pikepdf

    from nashr.media import pdfclean

    if not data.startswith(b"%PDF-"):
        raise _refuse(
            name,
            "the file does not start as a PDF does: it may be another file in disguise",
            "save it again as PDF from the program that made it",
        )
    _check_hidden(name, data)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            raw = b"".join(_object_bytes(obj) for obj in pdf.objects)
            if any(marker in raw for marker in _PDF_ACTIVE):
                raise _refuse(
                    name,
                    "the PDF carries script, actions or attached files",
                    "print it to a new PDF, or export it again without them",
                )
            removed: list[str] = []
            if pdf.trailer.get("/Info") is not None and len(pdf.docinfo):
                removed.append("pdf_info")
            removed.extend(r for r in pdfclean.scrub(pdf) if r not in removed)
            if "/Info" in pdf.trailer:
                del pdf.trailer.Info
            if "/ID" in pdf.trailer:
                removed.append("pdf_id")
            out = io.BytesIO()
            pdf.remove_unreferenced_resources()
            # A fixed identifier: the original's may encode where and when it was made.
            pdf.save(out, static_id=True, fix_metadata_version=False, linearize=False)
    except pdfclean.DamagedImage as exc:
        raise _refuse(
            name,
            f"an image in the PDF cannot be read ({exc}): what it hides cannot be removed",
            "print it to a new PDF, or export it again",
        ) from exc
    except pikepdf.PdfError as exc:
        raise _refuse(name, "the PDF is damaged", "save it again as PDF") from exc
    return Cleaned(
        kind="document",
        data=out.getvalue(),
        content_type="application/pdf",
        extension="pdf",
        removed=removed,
    )


def _object_bytes(obj: Any) -> bytes:
    """An object's names, to look for active content (streams are not decoded)."""
    import pikepdf

    try:
        if isinstance(obj, pikepdf.Stream):
            return bytes(obj.stream_dict.unparse(resolved=True))
        return bytes(obj.unparse(resolved=True))
    except (pikepdf.PdfError, AttributeError, TypeError):
        return b""
