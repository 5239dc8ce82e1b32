"""The shape of an issue's frozen document, its versions, and the one way to read it.

`Bulletin.document` is stored at publishing and kept for ever, so a document written by
an older Nashr must still render after an upgrade. Every stored document carries the
`version` of the shape it was written in. `document_read` is the only reader of a
stored document: it upgrades an older one step by step (`UPGRADES[n]` turns version n
into version n + 1, in memory; the stored JSON is left as it was frozen), and refuses
one written by a newer Nashr (after a downgrade) instead of rendering half of it.

Changing the shape means: bump `DOCUMENT_VERSION`, change the TypedDicts, and add the
upgrade from the previous version to `UPGRADES`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, TypedDict, cast

from nashr.core.exceptions import ApplicationError

DOCUMENT_VERSION = 2


class TextBlock(TypedDict):
    """A Markdown text with its HTML and plain-text renderings, in one language."""

    markdown: str
    html: str
    text: str
    language: str
    direction: str


class ReadMore(TypedDict):
    """The link from an item to the publication's page, in the version the rule chose."""

    url: str
    label: str
    language: str


class Item(TypedDict):
    publication: int | None  # None: a standalone news item
    kind: str | None  # the publication kind's slug
    mode: str  # BulletinItem.Mode
    title: str
    title_language: str
    title_direction: str
    body: TextBlock
    slogan: str  # already in the bulletin's quotation marks
    signatory: str
    date: str | None  # ISO 8601
    date_label: str  # in the bulletin's calendar and digits
    read_more: ReadMore | None


class SeriesHeading(TypedDict):
    slug: str
    title: str
    label: str  # a region label shown before the title; may be empty
    name: str  # label and title together, as a running header or plain text shows them
    url: str


class Period(TypedDict):
    year: int  # in the series' calendar
    month: int
    label: str


class Editorial(TypedDict):
    title: str
    body: TextBlock


class BulletinDocument(TypedDict):
    version: int
    language: str
    direction: str
    series: SeriesHeading
    number: int | None  # None: a draft's preview
    number_label: str
    period: Period
    subject: str
    url: str  # empty for a draft
    editorial: Editorial | None
    items: list[Item]
    colophon: TextBlock
    frozen_at: str  # ISO 8601
    edition: int
    correction: str


class UnreadableDocument(ApplicationError):
    """A stored document that this version of Nashr cannot read."""


def series_name(*, label: str, title: str) -> str:
    """The series' full name: its region label, then its title."""
    return f"{label} {title}".strip()


Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


def _from_1(document: dict[str, Any]) -> dict[str, Any]:
    """Version 2 gives the series' full name once, for every renderer."""
    series = document["series"]
    series["name"] = series_name(label=series["label"], title=series["title"])
    return document


UPGRADES: Mapping[int, Upgrade] = {1: _from_1}


def document_read(raw: Mapping[str, Any] | None, *, where: str = "") -> BulletinDocument:
    """A stored document in the current shape, whatever version of Nashr froze it.

    `where` names the issue in an error ("bulletin 12").
    """
    if raw is None:
        raise UnreadableDocument(
            "the issue has no frozen document", where=where, hint="publish the draft first"
        )
    version = raw.get("version")
    if not isinstance(version, int) or version < 1:
        raise UnreadableDocument(
            f"the frozen document has no valid version ({version!r})",
            where=where,
            hint="publish a corrected edition to freeze the issue again",
        )
    if version > DOCUMENT_VERSION:
        raise UnreadableDocument(
            f"the frozen document is of version {version}, written by a newer Nashr; "
            f"this one reads up to version {DOCUMENT_VERSION}",
            where=where,
            hint="run the version of Nashr that published the issue, or a newer one",
        )
    document = copy.deepcopy(dict(raw))
    while version < DOCUMENT_VERSION:
        document = UPGRADES[version](document)
        version += 1
        document["version"] = version
    missing = sorted(BulletinDocument.__required_keys__ - document.keys())
    if missing:
        raise UnreadableDocument(
            f"the frozen document lacks {', '.join(missing)}",
            where=where,
            hint="publish a corrected edition to freeze the issue again",
        )
    return cast(BulletinDocument, document)
