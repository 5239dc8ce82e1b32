"""What files do not say (the options), and what a checked file becomes."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from nashr.publications.models import Kind, Publication, Signatory, Status


@dataclass
class Defaults:
    """Values for what files do not say (the command's options)."""

    kind: str = ""
    language: str = ""
    date: str = ""
    calendar: str = "gregorian"
    signatory: str = ""
    status: str = Status.PUBLISHED


@dataclass
class Entry:
    """One file, read and checked, ready to be saved."""

    path: str
    file_type: str
    encoding: str
    title: str
    language: str
    language_detected: bool
    kind: Kind
    date: dt.date
    body: str
    summary: str = ""
    signatory: Signatory | None = None
    signatory_name: str = ""
    status: str = Status.PUBLISHED
    slug: str = ""
    source_url: str = ""
    legacy_path: str | None = None
    key: uuid.UUID = field(default_factory=uuid.uuid4)
    key_given: bool = False
    original: bool = False
    translation_of: Entry | Publication | None = None
    publication: Publication | None = None
