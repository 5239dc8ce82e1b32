"""Images an imported text refers to, taken from the old site's uploads folder.

Nothing is fetched from the network: an address under ``…/uploads/`` (WordPress's
``wp-content/uploads``, Drupal's ``sites/default/files``, or a path given relative to
the folder) is looked up in the folder given with ``--uploads``. WordPress's resized
copies (``photo-300x200.jpg``) fall back to the original when missing.

Every image is decoded and encoded again with Pillow, keeping the pixels only: EXIF
(with its GPS position, camera serial and time), XMP, IPTC and comments are dropped,
because a photo taken in Iran can locate the person who took it. The orientation EXIF
gave is applied to the pixels first, so the picture still stands the right way up. The
copies go to ``MEDIA_ROOT/imported/`` under their old relative path; a file written by
a run that then fails is removed again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
_UPLOAD_ROOTS = ("/wp-content/uploads/", "/sites/default/files/", "/files/", "/uploads/")
_RESIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z]+$)")
_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}


def upload_relative(address: str) -> str | None:
    """The path of an upload inside the uploads folder, from its address on the old site."""
    path = unquote(urlsplit(address).path)
    for root in _UPLOAD_ROOTS:
        index = path.find(root)
        if index >= 0:
            relative = path[index + len(root) :]
            break
    else:
        return None
    parts = PurePosixPath(relative).parts
    if not parts or any(part in {"..", "."} for part in parts):
        return None
    return "/".join(parts)


@dataclass
class Uploads:
    """The images of one run: looked up, cleaned and copied once each."""

    folder: Path | None
    write: bool
    copied: dict[str, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)

    def image_url(self, address: str) -> tuple[str | None, str]:
        """The new address of an image, or None and why it could not be brought in."""
        relative = upload_relative(address)
        if relative is None or PurePosixPath(relative).suffix.lower() not in IMAGE_SUFFIXES:
            return None, f"image “{address}” is not under an uploads folder"
        if relative in self.copied:
            return self.copied[relative], ""
        if self.folder is None:
            return None, f"image “{address}” not imported: no --uploads folder given"
        found = relative
        if not (self.folder / found).is_file():
            found = _RESIZED.sub("", relative)
            if found == relative or not (self.folder / found).is_file():
                return None, f"image “{relative}” is not in the uploads folder"
        try:
            url = self._copy(self.folder / found, found)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
            return None, f"image “{relative}” cannot be read: {exc}"
        self.copied[relative] = url
        return url, ""

    def _copy(self, source: Path, relative: str) -> str:
        target = Path(settings.MEDIA_ROOT) / "imported" / relative
        url = f"{settings.MEDIA_URL}imported/{relative}"
        with Image.open(source) as image:
            image.load()
            if not self.write or target.exists():
                return url
            clean = strip_metadata(image)
        target.parent.mkdir(parents=True, exist_ok=True)
        clean.save(target, format=_FORMATS[target.suffix.lower()])
        self.written.append(target)
        return url

    def discard(self) -> None:
        """Remove the files this run wrote (its database changes were rolled back)."""
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written.clear()


def strip_metadata(image: Image.Image) -> Image.Image:
    """The pixels of an image, turned as its EXIF said, with no metadata at all."""
    turned = ImageOps.exif_transpose(image)
    if turned.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
        turned = turned.convert("RGB")
    clean = Image.new(turned.mode, turned.size)
    if turned.mode == "P":
        palette = turned.getpalette()
        if palette is not None:
            clean.putpalette(palette)
    clean.paste(turned)
    return clean
