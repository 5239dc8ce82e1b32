"""RSS and Atom files read as items, for a site whose only export is its feed archive.

feedparser reads every flavour (RSS 0.9x-2.0, RSS 1.0, Atom 0.3/1.0) and forgives broken
markup; an item is matched on its ``id``/``guid``, else its link. The language is the
entry's, else the feed's (``<language>``, ``xml:lang``), else the text's script. The
content (``content:encoded``, Atom content) is preferred to the summary, which then
becomes the summary. The link's path is kept as the item's old address.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]  # the package ships no type hints
from django.utils import timezone

from nashr.core.actors import Actor
from nashr.importers.files import read_limited
from nashr.importers.items import Item, Options, SourceReport, items_import
from nashr.importers.markup import Markup, plain_text
from nashr.importers.problems import Problem, Refused, import_failed
from nashr.importers.uploads import Uploads
from nashr.publications.models import Status

SOURCE = "feed"
SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}


def feed_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    return [path]


def read_feed(path: Path) -> tuple[list[Item], list[Problem], list[Problem]]:
    """The entries of one feed file, what keeps the file or an entry from import, and
    what is only reported."""
    name = str(path)
    try:
        data = read_limited(
            path,
            hint="raise NASHR_IMPORT_EXPORT_MAX_BYTES for this run",
            setting="NASHR_IMPORT_EXPORT_MAX_BYTES",
        )
    except Refused as refused:
        return [], refused.problems, []
    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = "no entries" if not parsed.bozo else f"not a feed: {parsed.bozo_exception}"
        return [], [Problem(name, problem, hint="give an RSS or Atom file")], []
    feed_language = str(parsed.feed.get("language", ""))
    items: list[Item] = []
    problems: list[Problem] = []
    notes: list[Problem] = []
    for number, entry in enumerate(parsed.entries, start=1):
        source_id = str(entry.get("id") or entry.get("link") or "")
        where = f"{name}: entry {number}"
        moment = _moment(entry)
        if moment is None:
            problems.append(Problem(where, "no date", field="published"))
            continue
        title = html.unescape(str(entry.get("title", ""))).strip()
        if not source_id:
            source_id = fallback_id(title, moment)
            notes.append(
                Problem(
                    where,
                    f"no id and no link: imported as {source_id} (from its title and date), "
                    "which a later run of the same feed matches; it has no old address",
                )
            )
        contents = entry.get("content") or []
        summary = str(entry.get("summary", ""))
        body = str(contents[0].get("value", "")) if contents else summary
        language = ""
        if contents:
            language = str(contents[0].get("language") or "")
        language = language or str(entry.get("language", "")) or feed_language
        link = str(entry.get("link", ""))
        items.append(
            Item(
                source_id=source_id[:200],
                where=where,
                title=title,
                body=body,
                date=timezone.localtime(moment).date(),
                status=Status.PUBLISHED,
                language=language,
                summary=plain_text(summary) if contents else "",
                published_at=moment,
                labels=[f"category:{tag.get('term', '')}" for tag in entry.get("tags", [])],
                author=str(entry.get("author", "")),
                old_paths=[link] if link else [],
            )
        )
    return items, problems, notes


def fallback_id(title: str, moment: dt.datetime) -> str:
    """A stable id for an entry that has neither id nor link: its title and time, hashed."""
    digest = hashlib.sha256(f"{title}\n{moment.isoformat()}".encode()).hexdigest()
    return f"hash:{digest[:32]}"


def _moment(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    return None


def feeds_import(*, actor: Actor, path: Path, options: Options) -> SourceReport:
    """Import every entry of the feed files, all or nothing."""
    if not path.exists():
        raise import_failed([Problem(str(path), "no such file or directory")])
    items: list[Item] = []
    problems: list[Problem] = []
    notes: list[Problem] = []
    for file in feed_files(path):
        found, file_problems, file_notes = read_feed(file)
        items.extend(found)
        problems.extend(file_problems)
        notes.extend(file_notes)
    markup = Markup(Uploads(options.uploads, actor=actor, dry_run=options.dry_run))
    report = items_import(
        actor=actor, source=SOURCE, items=items, markup=markup, options=options, problems=problems
    )
    report.notes[:0] = notes
    return report
