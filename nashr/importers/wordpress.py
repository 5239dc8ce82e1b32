"""A WordPress export (WXR 1.0-1.2, Tools → Export) read as items.

Posts, pages and custom post types become items (menus, revisions, attachments,
blocks and other site machinery do not; attachments give ``[gallery]`` its images).
Language and translations: Polylang's ``language`` and ``post_translations`` terms (the
latter's description is a serialized PHP array ``{language: post id}``, read with
phpserialize), else WPML's ``_icl_lang_code`` / ``_wpml_import_language_code`` meta
and its translation group (``_icl_trid`` / ``_wpml_import_translation_group``).
Old addresses: the permalink (``<link>``) and ``/?p=ID`` (``/?page_id=ID`` for pages).
Comments: approved and pending ones, and whether the post took more (``comment_status``).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

import phpserialize  # type: ignore[import-untyped]  # the package ships no type hints
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils import timezone

from nashr.comments.services import CLOSED, OPEN
from nashr.core.actors import Actor
from nashr.importers.files import read_limited
from nashr.importers.items import SCHEDULED as SCHEDULED_STATUS
from nashr.importers.items import (
    TRASHED,
    Item,
    OldComment,
    Options,
    SourceReport,
    items_import,
)
from nashr.importers.markup import Markup, plain_text
from nashr.importers.problems import Problem, Refused, import_failed
from nashr.importers.uploads import Uploads
from nashr.publications.models import Status

SOURCE = "wordpress"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
# Site machinery, not publications.
SKIPPED_TYPES = {
    "attachment", "nav_menu_item", "revision", "wp_block", "wp_template",
    "wp_template_part", "wp_global_styles", "wp_navigation", "custom_css",
    "customize_changeset", "oembed_cache", "user_request", "wp_font_family",
    "wp_font_face", "acf-field", "acf-field-group", "wpcf7_contact_form",
}  # fmt: skip
STATUSES = {
    "publish": Status.PUBLISHED,
    "draft": Status.DRAFT,
    "pending": Status.REVIEW,
    "private": Status.DRAFT,
    "future": SCHEDULED_STATUS,
    "trash": TRASHED,
}
COMMENT_STATUSES = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}
_NO_DATE = "0000-00-00 00:00:00"


def is_wxr(path: Path) -> bool:
    """A WordPress export, known by its namespace near the start of the file."""
    try:
        with path.open("rb") as file:
            head = file.read(65536)
    except OSError:
        return False
    return b"wordpress.org/export/" in head


@dataclass
class Export:
    items: list[Item]
    attachments: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)


def read_wxr(path: Path) -> Export:
    """Every post and page of the export; Refused if the file is not a readable WXR."""
    name = str(path)
    data = read_limited(
        path,
        hint="raise NASHR_IMPORT_EXPORT_MAX_BYTES for this run",
        setting="NASHR_IMPORT_EXPORT_MAX_BYTES",
    )
    notes = []
    try:
        root = _parse(data)
    except ParseError as exc:
        # WordPress.com's exports use prefixes (atom:, georss:) they never declare.
        undeclared = _undeclared_prefixes(data)
        if "unbound prefix" not in str(exc) or not undeclared:
            raise _not_well_formed(name, exc) from exc
        root = _parse(_declare(data, undeclared))
        notes.append(
            Problem(name, f"undeclared XML prefixes {', '.join(sorted(undeclared))} ignored")
        )
    channel = root.find("channel")
    if channel is None:
        raise Refused(Problem(name, "no <channel>: not a WordPress export"))
    wp = _namespace(channel)
    if wp is None:
        raise Refused(Problem(name, "no <wp:wxr_version>: not a WordPress export"))
    export = _Reader(name, channel, wp).read()
    export.notes[:0] = notes
    return export


def _parse(data: bytes) -> Element:
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(str(exc)) from exc


def _not_well_formed(name: str, exc: ParseError) -> Refused:
    position = getattr(exc, "position", None)
    return Refused(
        Problem(
            name,
            f"not well-formed XML: {exc}",
            line=position[0] if position else None,
            hint="export the site again (Tools → Export), the file may be cut short",
        )
    )


_PREFIXED_TAG = re.compile(rb"</?([A-Za-z][\w.-]*):[A-Za-z]")
_DECLARED = re.compile(rb"xmlns:([A-Za-z][\w.-]*)\s*=")


def _undeclared_prefixes(data: bytes) -> set[str]:
    used = {m.group(1).decode() for m in _PREFIXED_TAG.finditer(data)}
    declared = {m.group(1).decode() for m in _DECLARED.finditer(data)}
    return used - declared - {"xml"}


def _declare(data: bytes, prefixes: set[str]) -> bytes:
    """The export with each undeclared prefix declared on its root element."""
    start = data.find(b"<rss")
    if start < 0:
        return data
    declarations = "".join(f' xmlns:{p}="urn:nashr:undeclared:{p}"' for p in sorted(prefixes))
    end = start + len(b"<rss")
    return data[:end] + declarations.encode() + data[end:]


def _namespace(channel: Element) -> str | None:
    for child in channel:
        if child.tag.endswith("}wxr_version"):
            return child.tag[: child.tag.index("}") + 1]
    return None


class _Reader:
    def __init__(self, name: str, channel: Element, wp: str) -> None:
        self.name = name
        self.channel = channel
        self.wp = wp
        self.excerpt = wp[:-1] + "excerpt/}"
        self.export = Export(items=[], attachments={})
        base = self.text(channel, f"{wp}base_blog_url") or self.text(channel, "link")
        self.base_path = urlsplit(base).path.rstrip("/")
        self.authors = {
            self.text(author, f"{wp}author_login"): self.text(author, f"{wp}author_display_name")
            for author in channel.iter(f"{wp}author")
        }
        self.languages: dict[str, str] = {}
        self.groups: dict[str, str] = {}
        self._terms()

    def text(self, element: Element, tag: str) -> str:
        found = element.find(tag)
        return (found.text or "").strip() if found is not None else ""

    def _terms(self) -> None:
        """Polylang's languages (slug → code) and translation groups (post id → group)."""
        for term in self.channel.iter(f"{self.wp}term"):
            taxonomy = self.text(term, f"{self.wp}term_taxonomy")
            slug = self.text(term, f"{self.wp}term_slug")
            description = self.text(term, f"{self.wp}term_description")
            if taxonomy == "language":
                data = _unserialize(description)
                locale = data.get("locale") if isinstance(data, dict) else None
                self.languages[slug] = str(locale or slug)
            elif taxonomy == "post_translations":
                data = _unserialize(description)
                if not isinstance(data, dict):
                    self.export.notes.append(
                        Problem(
                            self.name,
                            f"translation group {slug}: its description is not a PHP array",
                            hint="its posts are linked by their group membership only",
                        )
                    )
                    continue
                for post_id in data.values():
                    self.groups[str(post_id)] = f"pll:{slug}"

    def read(self) -> Export:
        for element in self.channel.iter("item"):
            post_type = self.text(element, f"{self.wp}post_type")
            post_id = self.text(element, f"{self.wp}post_id")
            if post_type == "attachment":
                url = self.text(element, f"{self.wp}attachment_url")
                if url:
                    self.export.attachments[post_id] = url
                continue
            status = self.text(element, f"{self.wp}status")
            if post_type in SKIPPED_TYPES or status == "auto-draft":
                continue
            item = self.item(element, post_type, post_id, status)
            if item is not None:
                self.export.items.append(item)
        return self.export

    def item(self, element: Element, post_type: str, post_id: str, status: str) -> Item | None:
        wp = self.wp
        where = f"{self.name}: {post_type or 'post'} {post_id}"
        if status not in STATUSES:
            self.export.problems.append(
                Problem(where, f"unknown status “{status}”", field="status")
            )
            return None
        if status == "private":
            self.export.notes.append(Problem(where, "private on the old site: imported as a draft"))
        meta = {
            self.text(m, f"{wp}meta_key"): self.text(m, f"{wp}meta_value")
            for m in element.iter(f"{wp}postmeta")
        }
        language, group, labels = "", "", [f"post_type:{post_type}"]
        for category in element.iter("category"):
            domain, nicename = category.get("domain", ""), category.get("nicename", "")
            if domain == "language":
                language = self.languages.get(nicename, nicename)
            elif domain == "post_translations":
                group = f"pll:{nicename}"
            elif domain == "category":
                labels.append(f"category:{nicename}")
        group = group or self.groups.get(post_id, "")
        language = (
            language or meta.get("_icl_lang_code") or meta.get("_wpml_import_language_code", "")
        )
        trid = meta.get("_icl_trid") or meta.get("_wpml_import_translation_group")
        if not group and trid:
            group = f"wpml:{trid}"
        local = self.text(element, f"{wp}post_date")
        date, published_at = _dates(local, self.text(element, f"{wp}post_date_gmt"))
        if date is None:
            self.export.problems.append(
                Problem(where, f"unreadable date “{local}”", field="post_date")
            )
            return None
        query_key = "page_id" if post_type == "page" else "p"
        old_paths = [f"{self.base_path}/?{query_key}={post_id}"]
        link = self.text(element, "link")
        if link and urlsplit(link).path.strip("/"):
            old_paths.insert(0, link)
        return Item(
            source_id=post_id,
            where=where,
            title=html.unescape(self.text(element, "title")),
            body=self.text(element, f"{CONTENT}encoded"),
            date=date,
            status=STATUSES[status],
            language=language,
            summary=plain_text(self.text(element, f"{self.excerpt}encoded")),
            published_at=published_at if status == "publish" else None,
            publish_at=published_at if status == "future" else None,
            labels=labels,
            author=self.authors.get(self.text(element, f"{DC}creator"), ""),
            slug=unquote(self.text(element, f"{wp}post_name")),
            old_paths=old_paths,
            group=group,
            comments=self.comments(element),
            # "closed": the old comments stay shown, no new ones are taken.
            comments_state=CLOSED
            if self.text(element, f"{wp}comment_status") == "closed"
            else OPEN,
        )

    def comments(self, element: Element) -> list[OldComment]:
        wp = self.wp
        found = []
        for comment in element.iter(f"{wp}comment"):
            kind = self.text(comment, f"{wp}comment_type")
            approved = self.text(comment, f"{wp}comment_approved")
            status = COMMENT_STATUSES.get(approved, "spam")
            if kind in {"pingback", "trackback"}:
                status = kind
            _date, created = _dates(
                self.text(comment, f"{wp}comment_date"), self.text(comment, f"{wp}comment_date_gmt")
            )
            parent = self.text(comment, f"{wp}comment_parent")
            found.append(
                OldComment(
                    source_id=self.text(comment, f"{wp}comment_id"),
                    name=html.unescape(self.text(comment, f"{wp}comment_author")),
                    email=self.text(comment, f"{wp}comment_author_email"),
                    body=plain_text(self.text(comment, f"{wp}comment_content")),
                    created_at=created or timezone.now(),
                    status=status,
                    parent_id="" if parent in {"", "0"} else parent,
                )
            )
        return found


def _unserialize(text: str) -> Any:
    try:
        return phpserialize.loads(text.encode("utf-8"), decode_strings=True)
    except (ValueError, TypeError, EOFError):
        return None


def _dates(local: str, gmt: str) -> tuple[dt.date | None, dt.datetime | None]:
    """The date the post bears (site time) and its moment (UTC when the export gives it)."""
    try:
        naive = dt.datetime.strptime(local, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 (site time)
    except ValueError:
        return None, None
    if gmt and gmt != _NO_DATE:
        try:
            moment = dt.datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
        except ValueError:
            moment = timezone.make_aware(naive)
    else:
        moment = timezone.make_aware(naive)
    return naive.date(), moment


def wordpress_import(*, actor: Actor, path: Path, options: Options) -> SourceReport:
    """Import a WordPress export, all or nothing (see ``items`` for the rules)."""
    try:
        export = read_wxr(path)
    except Refused as refused:
        raise import_failed(refused.problems) from refused
    markup = Markup(
        Uploads(options.uploads, actor=actor, dry_run=options.dry_run),
        attachments=export.attachments,
        shortcodes=True,
    )
    report = items_import(
        actor=actor,
        source=SOURCE,
        items=export.items,
        markup=markup,
        options=options,
        problems=export.problems,
    )
    report.notes[:0] = export.notes
    return report
