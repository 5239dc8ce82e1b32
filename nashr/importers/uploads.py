"""Images an imported text refers to, taken from the old site's uploads folder and stored
as an editor's uploads are.

Nothing is fetched from the network: an address under ``…/uploads/`` (WordPress's
``wp-content/uploads``, Drupal's ``sites/default/files``, or a path given relative to
the folder) is looked up in the folder given with ``--uploads``, and nowhere else: a path
that would lead out of it (``..``, an absolute path after the root, a link in the folder
to a file elsewhere) is refused, named in the item's notes. WordPress's resized
copies (``photo-300x200.jpg``) are taken from their original when it is there (the
variants the media app makes serve every size), else as they are.

Each image goes through the media app's upload service, ``media_upload``, as one an
editor uploads: the same formats (a GIF is refused), the same refusal of a file that
hides something (a polyglot), the same cleaning (the pixels alone, turned upright: EXIF
with its GPS position, XMP, IPTC and comments go, because a photo taken in Iran can
locate the person who took it), the same variants, and a ``Media`` row. The body then
refers to it as an editor's Markdown does, ``media:ID`` (``Markup``), so the site shows
the responsive ``<picture>``. An image met again, in this run or stored before (the
same cleaned content), is the same ``Media``. A refused image is a note of the item
that shows it, naming its file; the item is imported without it, and the run goes on.

A dry run checks each image as the upload would (``media_upload_check``) and stores
nothing: no file, no row. A run that fails keeps no row; the files it stored are named
by their content and shown by nothing, as after an upload rolled back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from nashr.core.actors import Actor
from nashr.core.exceptions import ApplicationError
from nashr.media.processing import DOCUMENT_EXTENSIONS, extension_of
from nashr.media.services import media_upload, media_upload_check

_UPLOAD_ROOTS = ("/wp-content/uploads/", "/sites/default/files/", "/files/", "/uploads/")
_RESIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$|$)")
_WORDS = re.compile(r"[-_.\s]+")
# The reference of an image a dry run would store: no row has it, as nothing is saved.
NOT_STORED = 0
LEAVES_UPLOADS = (
    "its path leads outside the --uploads folder (“..”, an absolute path, or a link to a "
    "file elsewhere); only files inside the folder are read"
)


def upload_relative(address: str) -> str | None:
    """The path of an upload inside the uploads folder, from its address on the old site:
    what follows the uploads root, decoded (None when the address is under no root). It
    may try to leave the folder: `inside_uploads` says whether it stays inside."""
    path = unquote(urlsplit(address).path)
    for root in _UPLOAD_ROOTS:
        index = path.find(root)
        if index >= 0:
            return path[index + len(root) :]
    return None


def _plain(relative: str) -> bool:
    """Whether `relative` is plain names joined by "/": no "..", no "." and no empty name.

    An empty first name is a leading "/", and the folder joined to an absolute path is that
    path: `…/wp-content/uploads//etc/passwd` would read /etc/passwd.
    """
    return all(name not in {"", ".", ".."} and "\x00" not in name for name in relative.split("/"))


def inside_uploads(folder: Path, relative: str) -> bool:
    """Whether the file `relative` names is inside `folder`, links followed (an old site's
    files copied with a link to /etc/shadow stay outside)."""
    if not _plain(relative):
        return False
    root = folder.resolve()
    return (root / relative).resolve().is_relative_to(root)


@dataclass
class Found:
    """An image of the old site as this run brought it in: its `Media` id, or why not."""

    media_id: int | None
    why: str = ""


@dataclass
class Uploads:
    """The images of one run, each looked up and stored once."""

    folder: Path | None
    actor: Actor
    dry_run: bool
    found: dict[str, Found] = field(default_factory=dict)

    def image(self, address: str, *, alt: str, language: str) -> tuple[int | None, list[str]]:
        """The `Media` id of the image at `address` (None if not brought in), and notes.

        `alt` and `language` describe a `Media` made now; one already stored keeps its own.
        """
        relative = upload_relative(address)
        if relative is None:
            return None, [f"image “{address}” is not under an uploads folder"]
        if not _plain(relative):
            return None, [f"image “{address}” not imported: {LEAVES_UPLOADS}"]
        if extension_of(relative) in DOCUMENT_EXTENSIONS:
            return None, [f"“{relative}” is shown as an image but is a document"]
        if self.folder is None:
            return None, [f"image “{address}” not imported: no --uploads folder given"]
        folder = self.folder
        original = _RESIZED.sub("", relative)
        chosen = next((path for path in (original, relative) if (folder / path).is_file()), None)
        if chosen is None:
            return None, [f"image “{relative}” is not in the uploads folder"]
        if not inside_uploads(folder, chosen):
            return None, [f"image “{address}” not imported: {LEAVES_UPLOADS}"]
        notes: list[str] = []
        if chosen not in self.found:
            self.found[chosen] = self._store(self.folder / chosen, chosen, alt, language, notes)
        found = self.found[chosen]
        if found.media_id is None:
            notes.append(found.why)
        return found.media_id, notes

    def _store(self, path: Path, relative: str, alt: str, language: str, notes: list[str]) -> Found:
        name = path.name
        alt = " ".join(alt.split())
        # The site requires alt text: the file's name stands in, and the report says so.
        stand_in = "" if alt else " ".join(_WORDS.split(_RESIZED.sub("", path.stem))).strip()
        alt = alt or stand_in or name
        try:
            data = path.read_bytes()
            if self.dry_run:
                media_upload_check(
                    actor=self.actor, name=name, data=data, language=language, alt_text=alt
                )
                media_id, described = NOT_STORED, alt
            else:
                media = media_upload(
                    actor=self.actor,
                    name=name,
                    data=data,
                    title=alt[:200],
                    language=language,
                    alt_text=alt,
                    reuse=True,
                )
                media_id, described = media.pk, media.alt_text
        except OSError as exc:
            return Found(None, f"image “{relative}” cannot be read: {exc}")
        except ApplicationError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            return Found(None, f"image “{relative}” not imported: {exc.message}{hint}")
        if stand_in and described == alt:
            notes.append(
                f"image “{relative}” has no alt text: “{alt}” stands in for it "
                "(write what it shows under Images and attachments)"
            )
        return Found(media_id)
