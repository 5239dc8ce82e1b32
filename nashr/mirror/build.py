"""`nashr mirror build`: the public site written out as static files.

Pages are the site's own: each is requested through Django's test client, so the views,
templates and middleware that serve readers render the mirror too. The request carries
the WSGI key ``nashr.mirror`` (see ``context_processors``): templates then replace or
redirect the forms that need the server. Every link into the site is rewritten into a
path relative to the page's file (``/fa/p/12/x/`` → ``../../p/12/x/index.html``), so the
output works from ``file://``, from any sub-path and from any host. Links the mirror
cannot serve (subscribe, the admin, a query it does not write) point to NASHR_SITE_URL.

Groups. Each file belongs to a group: ``pub:12`` (the publication's pages in every
language, its old address), ``kind:fa:statement`` (a list with its pages), ``home:fa``,
``archive:fa``, ``feeds:fa``, ``bulletins:fa``, ``search:fa``, ``sitemap``, ``misc``,
``static``. A group is rendered from its seed addresses, following the links its pages
make to addresses no group owns yet (the next page of a list, a month of the archive).

Incremental. The manifest (``.nashr-mirror/manifest.json`` in OUTDIR) keeps each file's
hash and group, and fingerprints of what pages show: every published publication (its
time of change, kind, language, translation key, approved comments), the bulletins, and
everything else at once (kinds, signatories, settings, templates, static files,
translations). A build compares them: a changed publication re-renders its group and
those of its language versions, the home pages, its kind's lists, the archives, the
feeds, the sitemap and the search index; a change of anything else renders it all. Only
files whose bytes differ are written; files a re-rendered group no longer makes, and the
groups of unpublished publications, are removed.

Crash safety. Each file is written to ``.nashr-mirror/tmp`` and renamed into place, so
no reader (nor rsync) ever sees half a file. The build marks itself in progress; one
that finds the mark of a killed build renders everything, compares with the files on
disk (the manifest may be older than they are), and removes what no page needs: the
next build completes what the killed one left.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import html
import json
import logging
import multiprocessing
import os
import posixpath
import re
import shutil
import time
import traceback
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.db import connections
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext, override

from nashr.bulletins.models import Bulletin, BulletinStatus, Series
from nashr.bulletins.rendering import bulletin_pdf
from nashr.comments.models import Comment, CommentStatus
from nashr.core.bidi import direction
from nashr.core.calendars import month_of
from nashr.core.exceptions import ApplicationError
from nashr.core.pagecache import MIRROR_ENVIRON_KEY
from nashr.mirror import search_index
from nashr.mirror.pages import Pages
from nashr.publications import selectors
from nashr.publications.models import Kind, Publication, Signatory
from nashr.publications.views import PAGE_SIZE

STATE_DIR = ".nashr-mirror"
MANIFEST = "manifest.json"
IN_PROGRESS = "in-progress"
LOCK = "lock"
FORMAT = 1

# Views whose answer is a feed: written as feed.xml in the address' folder.
FEED_VIEWS = frozenset(
    {
        "publications:feed_rss",
        "publications:feed_atom",
        "publications:kind_feed_rss",
        "publications:kind_feed_atom",
        "bulletins:feed",
    }
)
# Sections of the site that need the server: their links go to NASHR_SITE_URL.
SERVER_SECTIONS = frozenset({"admin", "subscribe"})
PDF_NAME = "bulletin.pdf"
# Publication pages from which a second process pays for its start (about 2 ms a page
# saved against a fork and a setup of well under a second).
PARALLEL_FROM = 1000

_TAG = re.compile(r"<(a|link|img|script|form|source|iframe|area)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"(\s(?:href|src|action)=)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)
_SRCSET = re.compile(r"(\ssrcset=)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)
_REL = re.compile(r"\srel=([\"'])(.*?)\1", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*([\"']?)([^\"')]+)\1\s*\)")
_NOT_LINKS = ("#", "mailto:", "data:", "tel:", "javascript:")


class MirrorError(ApplicationError):
    """A mirror build or push that cannot go on (see the message for what to do)."""


@dataclass
class Summary:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    full: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": len(self.written),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "full": self.full,
            "problems": self.problems,
            "seconds": round(self.seconds, 3),
        }


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- where each address is written -------------------------------------------------------


def site_prefix() -> str:
    """The path NASHR_SITE_URL is served under ("" at a host's root)."""
    return urlsplit(settings.NASHR_SITE_URL).path.rstrip("/")


def file_for(path: str, query: str = "") -> str | None:
    """The file (relative to OUTDIR) that holds the address, or None if the mirror has none."""
    if "\x00" in path or ".." in path.split("/"):
        return None
    params = parse_qs(query, keep_blank_values=True)
    page = 1
    if params:
        if set(params) != {"page"} or not params["page"][0].isdigit():
            return None
        page = int(params["page"][0])
    static_url = settings.STATIC_URL
    if path.startswith(static_url):
        return None if query else "static/" + unquote(path[len(static_url) :])
    if path.startswith(settings.MEDIA_URL) and len(path) > len(settings.MEDIA_URL):
        # Uploads (nashr.media), served by the site's own view and so by the mirror.
        return None if query else "media/" + unquote(path[len(settings.MEDIA_URL) :])
    if path == "/":
        return None if query else "index.html"
    if path in {"/sitemap.xml", "/robots.txt"}:
        return None if query else path[1:]
    parts = [part for part in path.split("/") if part]
    languages = dict(settings.LANGUAGES)
    if not parts or parts[0] not in languages:
        return None
    if len(parts) > 1 and parts[1] in SERVER_SECTIONS:
        return None
    if len(parts) > 1 and parts[1] == "search":
        # The mirror's own search page stands in for the server's, whatever the query.
        return f"{parts[0]}/search/index.html" if len(parts) == 2 else None
    if parts[-1] == PDF_NAME and len(parts) == 5 and parts[1] == "bulletins":
        return None if query else unquote(path.lstrip("/"))
    if not path.endswith("/"):
        return None
    folder = unquote(path.strip("/"))
    try:
        # The language prefix resolves only under its own language.
        with override(parts[0]):
            match = resolve(path)
    except Resolver404:
        return None
    if match.view_name in FEED_VIEWS:
        return None if query else f"{folder}/feed.xml"
    return f"{folder}/index.html" if page == 1 else f"{folder}/page-{page}.html"


def legacy_file(path: str) -> str | None:
    """The folder page that stands for an old address (/node/10158 → node/10158/index.html)."""
    clean = unquote(urlsplit(path).path).strip("/")
    if not clean or ".." in clean.split("/") or clean.startswith(STATE_DIR):
        return None
    return f"{clean}/index.html"


def upload_gone(rel: str) -> bool:
    """True for the mirror's copy of an upload deleted from the site since (its pages are
    rendered again without it; a deleted photo must not stay readable in the mirror)."""
    return rel.startswith("media/") and not default_storage.exists(unquote(rel[len("media/") :]))


def relative_link(from_file: str, to_file: str) -> str:
    """A link from the page in `from_file` to `to_file`, both relative to OUTDIR.

    Both are clean paths (no "." or ".." parts, see ``file_for``): the link climbs out of
    the folders they do not share and goes down the rest of `to_file`'s.
    """
    here = from_file.split("/")[:-1]
    there = to_file.split("/")
    shared = 0
    for mine, theirs in zip(here, there[:-1], strict=False):
        if mine != theirs:
            break
        shared += 1
    link = "/".join([".."] * (len(here) - shared) + there[shared:])
    return quote(link, safe="/-._~!$&'()*+,;=:@")


# -- writing ---------------------------------------------------------------------------


class Outdir:
    """OUTDIR, written file by file with a rename, and what the last build left there."""

    def __init__(self, root: Path, *, trusted: dict[str, str]) -> None:
        self.root = root
        self.state = root / STATE_DIR
        self.tmp = self.state / "tmp"
        # Hashes known to match the files on disk; others are compared with the disk.
        self.trusted = trusted
        # Folders made (or found) by this build: tens of thousands of files share a few.
        self.folders: set[Path] = set()

    def write(self, rel: str, data: bytes, summary: Summary) -> str:
        digest = file_digest(data)
        target = self.root / rel
        if self.trusted.get(rel) == digest and target.is_file():
            summary.unchanged += 1
            return digest
        if rel not in self.trusted and target.is_file() and target.read_bytes() == data:
            summary.unchanged += 1
            return digest
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        temporary = self.tmp / uuid.uuid4().hex
        temporary.write_bytes(data)
        os.replace(temporary, target)
        summary.written.append(rel)
        return digest

    def remove(self, rel: str, summary: Summary) -> None:
        target = self.root / rel
        if target.is_file():
            target.unlink()
            summary.removed.append(rel)
        # Empty folders go with their last file.
        parent = target.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            self.folders.discard(parent)
            parent = parent.parent

    def files_on_disk(self) -> Iterator[str]:
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root and STATE_DIR in dirnames:
                dirnames.remove(STATE_DIR)
            for name in filenames:
                yield Path(dirpath, name).relative_to(self.root).as_posix()


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / STATE_DIR / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return manifest if manifest.get("format") == FORMAT else {}


def write_state_file(root: Path, name: str, data: bytes) -> None:
    state = root / STATE_DIR
    temporary = state / "tmp" / uuid.uuid4().hex
    temporary.write_bytes(data)
    os.replace(temporary, state / name)


# -- what pages show: fingerprints -----------------------------------------------------


def _hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:20]


def code_fingerprint() -> str:
    """Templates, static files and translations of the running code: a change renders all.

    From the files' contents, not their times: a deploy of the same code (a new checkout,
    a new container) renders nothing.
    """
    base = Path(settings.BASE_DIR)
    return tree_fingerprint([base / "nashr", *(Path(p) for p in settings.LOCALE_PATHS)], base)


def tree_fingerprint(roots: list[Path], base: Path) -> str:
    """The names (relative to `base`) and contents of the code's files under `roots`."""
    digest = hashlib.sha256()
    found = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in {"tests", "__pycache__"}]
            for name in filenames:
                if name.endswith((".html", ".txt", ".xml", ".css", ".js", ".mo", ".svg", ".py")):
                    found.append(Path(dirpath, name))
    for path in sorted(found):
        shown = path.relative_to(base) if path.is_relative_to(base) else path
        digest.update(f"{shown}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def site_fingerprint(*, forms: str, base_url: str) -> str:
    kinds = list(Kind.objects.order_by("pk").values())
    signatories = list(Signatory.objects.order_by("pk").values())
    config = [
        settings.NASHR_SITE_URL,
        settings.NASHR_MIRROR_URLS,
        settings.NASHR_ONION_URL,
        settings.LANGUAGES,
        settings.STATIC_URL,
        forms,
        base_url,
        FORMAT,
    ]
    return _hash([kinds, signatories, config, code_fingerprint()])


def publication_prints() -> dict[str, dict[str, Any]]:
    """Each published publication: a fingerprint of what its pages show, and where it is listed."""
    comments = {
        row["publication_id"]: (row["count"], row["last"])
        for row in Comment.objects.filter(status=CommentStatus.APPROVED)
        .values("publication_id")
        .annotate(count=Count("id"), last=Max("moderated_at"))
    }
    rows = Publication.objects.published().values_list(
        "pk", "updated_at", "kind__slug", "language", "translation_key", "date", "slug",
        "legacy_path", "revision", "translation_of_id",
    )  # fmt: skip
    found = {}
    for pk, updated, kind, language, key, date, slug, legacy, revision, original in rows:
        found[str(pk)] = {
            "print": _hash(
                [updated, kind, language, key, date, slug, legacy, revision, comments.get(pk)]
            ),
            "kind": kind,
            "key": str(key),
            "date": date.isoformat(),
            "language": language,
            "original": original is None,
        }
    return found


def list_pages(pubs: dict[str, dict[str, Any]], language: str, kind: str) -> list[list[str]]:
    """The publications (ids) on each page of a kind's list in `language`, from their prints.

    What ``selectors.publication_for_language`` lists, in its order (newest first): the
    versions in `language`, and the originals that have none.
    """
    translated = {info["key"] for info in pubs.values() if info["language"] == language}
    listed = sorted(
        (
            (info["date"], int(pk))
            for pk, info in pubs.items()
            if info["kind"] == kind
            and (
                info["language"] == language or (info["original"] and info["key"] not in translated)
            )
        ),
        reverse=True,
    )
    ids = [str(pk) for _date, pk in listed]
    return [ids[start : start + PAGE_SIZE] for start in range(0, len(ids), PAGE_SIZE)] or [[]]


def bulletin_fingerprint() -> str:
    bulletins = Bulletin.objects.filter(status=BulletinStatus.PUBLISHED).values_list(
        "pk", "series_id", "number", "edition", "published_at", "corrected_at"
    )
    series = Series.objects.values_list("pk", "updated_at")
    return _hash([sorted(bulletins), sorted(series, key=lambda row: row[0])])


# -- the build -------------------------------------------------------------------------


_MONTH_FILE = re.compile(r"^(?P<lang>[a-z-]+)/archive/(?P<year>\d+)/(?P<month>\d+)/index\.html$")


def month_group(language: str, year: int, month: int) -> str:
    return f"month:{language}:{year}-{month}"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _url(language: str, name: str, **kwargs: object) -> str:
    with override(language):
        return reverse(name, kwargs=kwargs)


class Build:
    def __init__(
        self, root: Path, *, forms: str, base_url: str, full: bool, parallel_from: int | None
    ) -> None:
        self.root = root
        self.parallel_from = parallel_from
        # In the second process: the addresses its pages claim, for the first to render.
        self.recorded: dict[tuple[str, str], None] | None = None
        self.forms = forms
        self.base_url = base_url.rstrip("/")
        self.force_full = full
        self.summary = Summary()
        parts = urlsplit(settings.NASHR_SITE_URL)
        # Every request of the build carries the mirror's key in its WSGI environ.
        environ: dict[str, Any] = {
            "SERVER_NAME": parts.hostname or "localhost",
            "HTTP_HOST": parts.netloc or "localhost",
            MIRROR_ENVIRON_KEY: forms,
        }
        self.environ = environ
        self.secure = parts.scheme == "https"
        self.site_origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = site_prefix()
        self.owner: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        self.queue: deque[tuple[str, str, str]] = deque()  # (address, file, group)
        self.kept_groups: set[str] = set()
        self.rendering: set[str] = set()
        self._months: dict[str, list[tuple[int, int]]] = {}
        self.old_group: dict[str, str] = {}
        # Pages of a re-rendered list that stay as they are, and the pages to render.
        self.keep_files: set[str] = set()
        self.list_seeds: dict[str, list[str]] = {}
        # Links repeat from page to page (the header, the footer, the lists): each address'
        # file and each relative link are worked out once.
        self._files: dict[tuple[str, str], str | None] = {}
        self._links: dict[tuple[str, str], tuple[str, str, str, str | None]] = {}
        self._relative: dict[tuple[str, str], str] = {}

    # The plan: which groups to render.

    def plan(self, manifest: dict[str, Any], interrupted: bool) -> tuple[set[str], bool]:
        site = site_fingerprint(forms=self.forms, base_url=self.base_url)
        self.site_print = site
        self.pubs = publication_prints()
        self.bulletins_print = bulletin_fingerprint()
        all_groups = self.all_groups()
        if (
            self.force_full
            or interrupted
            or not manifest
            or manifest.get("site") != site
            or not (self.root / "index.html").is_file()
        ):
            return all_groups, True
        old_pubs: dict[str, dict[str, Any]] = manifest.get("publications", {})
        changed = {
            pk
            for pk in set(old_pubs) | set(self.pubs)
            if old_pubs.get(pk, {}).get("print") != self.pubs.get(pk, {}).get("print")
        }
        groups: set[str] = set()
        languages = _languages()
        if changed:
            keys = {
                info["key"]
                for pk in changed
                for info in (old_pubs.get(pk), self.pubs.get(pk))
                if info
            }
            kinds = {
                info["kind"]
                for pk in changed
                for info in (old_pubs.get(pk), self.pubs.get(pk))
                if info
            }
            groups |= {f"pub:{pk}" for pk in changed}
            groups |= {f"pub:{pk}" for pk, info in self.pubs.items() if info["key"] in keys}
            groups |= {"sitemap"}
            dates = {
                dt.date.fromisoformat(info["date"])
                for pk in changed
                for info in (old_pubs.get(pk), self.pubs.get(pk))
                if info
            }
            # A search index holds the publications in its language only.
            groups |= {
                f"search:{info['language']}"
                for pk in changed
                for info in (old_pubs.get(pk), self.pubs.get(pk))
                if info and "language" in info
            }
            for language in languages:
                groups |= {f"home:{language}", f"archive:{language}", f"feeds:{language}"}
                if any("language" not in info for info in old_pubs.values()):
                    groups.add(f"search:{language}")  # a manifest of an older build
                for kind in kinds:
                    groups.add(f"kind:{language}:{kind}")
                    self.plan_list(old_pubs, language, kind)
                groups |= {month_group(language, *month_of(day, language)) for day in dates}
                # A month that appears or goes changes the links of its neighbours.
                now = {month_group(language, *m) for m in self.months(language)}
                before = set(manifest.get("months", {}).get(language, []))
                if now != before:
                    groups |= now | before
        if manifest.get("bulletins") != self.bulletins_print:
            groups |= {f"bulletins:{language}" for language in languages}
        return groups, False

    def plan_list(self, old_pubs: dict[str, dict[str, Any]], language: str, kind: str) -> None:
        """Which pages of a kind's list to render: those whose publications changed.

        A page shows its publications and the number of pages: an edit renders the page
        it is on, a new date or a new publication the pages from its place on.
        """
        if any("language" not in info for info in old_pubs.values()):
            return  # a manifest of an older build: the whole list is rendered
        before = list_pages(old_pubs, language, kind)
        now = list_pages(self.pubs, language, kind)
        address = _url(language, "publications:kind", kind=kind)
        seeds = self.list_seeds.setdefault(f"kind:{language}:{kind}", [])
        for number, ids in enumerate(now, start=1):
            rel = self.file_for(address, f"page={number}")
            if rel is None:
                continue
            if (
                len(before) == len(now)
                and before[number - 1] == ids
                and all(old_pubs[pk]["print"] == self.pubs[pk]["print"] for pk in ids)
            ):
                self.keep_files.add(rel)
            else:
                seeds.append(address if number == 1 else f"{address}?page={number}")

    def all_groups(self) -> set[str]:
        groups = {"misc", "sitemap"}
        for language in _languages():
            groups |= {f"home:{language}", f"archive:{language}", f"feeds:{language}"}
            groups |= {f"search:{language}", f"bulletins:{language}"}
            groups |= {
                f"kind:{language}:{slug}" for slug in Kind.objects.values_list("slug", flat=True)
            }
        return groups | {f"pub:{pk}" for pk in self.pubs}

    def months(self, language: str) -> list[tuple[int, int]]:
        if language not in self._months:
            self._months[language] = [
                (m.year, m.month) for m in selectors.archive_months(language=language)
            ]
        return self._months[language]

    def seeds(self, group: str) -> list[str]:
        name, _sep, rest = group.partition(":")
        if name == "month":
            language, _sep, when = rest.partition(":")
            year, month = (int(part) for part in when.split("-"))
            if (year, month) not in self.months(language):
                return []  # no longer in the archive: the group's page goes
            return [_url(language, "publications:archive_month", year=year, month=month)]
        if name == "misc":
            return ["/"]
        if name == "sitemap":
            return ["/sitemap.xml"]
        if name == "home":
            return [_url(rest, "publications:home")]
        if name == "archive":
            return [_url(rest, "publications:archive")]
        if name == "kind":
            if group in self.list_seeds:
                return self.list_seeds[group]
            language, slug = rest.split(":", 1)
            return [_url(language, "publications:kind", kind=slug)]
        if name == "feeds":
            kinds = Kind.objects.values_list("slug", flat=True)
            return [
                _url(rest, "publications:feed_rss"),
                _url(rest, "publications:feed_atom"),
                *(_url(rest, "publications:kind_feed_rss", kind=slug) for slug in kinds),
                *(_url(rest, "publications:kind_feed_atom", kind=slug) for slug in kinds),
            ]
        if name == "bulletins":
            return [_url(rest, "bulletins:index")]
        if name == "search":
            return [f"/{rest}/search/"]
        if name == "pub":
            publication = self.pages.publications.get(int(rest))
            if publication is None:
                return []
            slug = publication.slug or "-"
            return [
                _url(language, "publications:detail", pk=publication.pk, slug=slug)
                for language in _languages()
            ]
        return []

    # Rendering one address.

    def file_for(self, path: str, query: str = "") -> str | None:
        key = (path, query)
        if key not in self._files:
            self._files[key] = file_for(path, query)
        return self._files[key]

    def relative_link(self, from_file: str, to_file: str) -> str:
        key = (posixpath.dirname(from_file), to_file)
        if key not in self._relative:
            self._relative[key] = relative_link(from_file, to_file)
        return self._relative[key]

    def claim(self, address: str, group: str) -> None:
        """Render `address` in this build unless a group that is not re-rendered owns it."""
        split = urlsplit(address)
        rel = self.file_for(split.path, split.query)
        if rel is None or rel in self.owner or rel in self.keep_files:
            return
        if self.recorded is not None:
            self.recorded[(address, group)] = None
            return
        archived = _MONTH_FILE.match(rel)
        if archived:
            # Each month of the archive is a group: an edit re-renders its own month only.
            group = month_group(archived["lang"], int(archived["year"]), int(archived["month"]))
        old_group = self.old_group.get(rel)
        if old_group is not None and old_group != "static":
            if old_group not in self.rendering:
                return  # unchanged: kept as it is
            group = old_group
        self.owner[rel] = group
        self.queue.append((address, rel, group))

    def run_queue(self) -> None:
        while self.queue:
            self.make(*self.queue.popleft())

    def make(self, address: str, rel: str, group: str) -> None:
        """Write the file `rel` of `group`, the page at `address` (or its stand-in)."""
        if rel.startswith("static/"):
            self.copy_static(address, rel)
        elif rel == "index.html":
            self.emit(rel, self.root_page())
        elif rel.endswith("/search/index.html"):
            self.search_page(rel.split("/", 1)[0], rel)
        elif rel.endswith("/" + PDF_NAME):
            self.bulletin_pdf(address, rel)
        else:
            self.render(address, rel, group)

    # Two processes.

    def run_queue_parallel(self) -> None:
        """The queue, the publications' pages shared with a second process.

        The machine's cores render pages side by side: after the setup (every query the
        publication pages need is made before, see ``pages.Pages``), a forked process
        builds the search indexes, the sitemap and publication pages, writing their files
        as the first process does, while the first renders everything else; then both
        take the pages left. A counter in shared memory hands out each item once, so
        neither waits for the other. An edit in a large archive is shared too: its search
        index and sitemap are built beside its pages.
        Links the second process' pages make to pages not yet planned are handed back and
        claimed by the first, as if its own pages had made them.
        """
        # The search indexes first (the longest items, each a few seconds in a large
        # archive), then the sitemap, then the publication pages.
        searches = [item for item in self.queue if item[2].startswith("search:")]
        sitemap = [item for item in self.queue if item[2] == "sitemap"]
        pages = [item for item in self.queue if item[2].startswith("pub:")]
        shared = searches + sitemap + pages
        # An index or a sitemap costs about what a page per publication does.
        weight = len(pages) + (len(self.pubs) if searches or sitemap else 0)
        if (
            self.parallel_from is None
            or weight < self.parallel_from
            or not hasattr(os, "fork")
            or any(connection.in_atomic_block for connection in connections.all())
        ):
            self.run_queue()
            return
        given = set(shared)
        self.queue = deque(item for item in self.queue if item not in given)
        taken = multiprocessing.Value("q", 0)
        # A connection must not be shared by two processes: each opens its own.
        connections.close_all()
        reading, writing = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the second process: it never returns
            os.close(reading)
            self._second_process(shared, taken, writing, parent)
        os.close(writing)
        try:
            self.run_queue()
            while (index := _take(taken)) < len(shared):
                self.make(*shared[index])
                self.run_queue()
            with os.fdopen(reading, "rb") as pipe:
                answer = pipe.read()
        finally:
            _pid, status = os.waitpid(pid, 0)
        if status != 0 or not answer:
            raise MirrorError(
                gettext("The build's second process failed (its error is printed above)."),
                where=str(self.root),
                hint=gettext("Run the build again: it completes what this one left."),
            )
        done = json.loads(answer)
        self.owner.update(done["owner"])
        self.hashes.update(done["hashes"])
        self.summary.written += done["written"]
        self.summary.unchanged += done["unchanged"]
        self.summary.problems += done["problems"]
        for address, group in done["claims"]:
            self.claim(address, group)
        self.run_queue()

    def _second_process(
        self, shared: list[tuple[str, str, str]], taken: Any, writing: int, parent: int
    ) -> NoReturn:
        status = 1
        try:
            self.hashes = {}
            self.summary = Summary()
            self.recorded = {}
            known = set(self.owner)
            while (index := _take(taken)) < len(shared):
                if os.getppid() != parent:
                    os._exit(1)  # the first process was killed: so is its build
                self.make(*shared[index])
            answer = {
                # Files it made beyond those planned (the search index's parts).
                "owner": {rel: group for rel, group in self.owner.items() if rel not in known},
                "hashes": self.hashes,
                "written": self.summary.written,
                "unchanged": self.summary.unchanged,
                "problems": self.summary.problems,
                "claims": list(self.recorded),
            }
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(json.dumps(answer).encode("utf-8"))
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)

    def emit(self, rel: str, data: bytes) -> None:
        self.hashes[rel] = self.outdir.write(rel, data, self.summary)

    def render(self, address: str, rel: str, group: str) -> None:
        response = self.pages.get(address)
        if response.status_code in {301, 302}:
            location = urlsplit(urljoin(address, response["Location"]))
            target = self.file_for(location.path, location.query)
            if target is None:
                self.summary.problems.append(f"{address}: redirects outside the mirror")
                return
            self.claim(location.path + (f"?{location.query}" if location.query else ""), group)
            self.emit(rel, self.redirect_page(rel, target))
            return
        if response.status_code != 200:
            self.summary.problems.append(f"{address}: answered {response.status_code}")
            return
        content_type = response.get("Content-Type", "")
        body = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]  # FileResponse
            if response.streaming
            else response.content  # type: ignore[attr-defined]  # HttpResponse
        )
        if content_type.startswith("text/html"):
            text = self.rewrite_html(body.decode("utf-8"), address, rel, group)
            body = text.encode("utf-8")
        elif self.base_url:
            body = body.replace(settings.NASHR_SITE_URL.encode(), self.base_url.encode())
        self.emit(rel, body)

    def rewrite_html(self, text: str, address: str, rel: str, group: str) -> str:
        page = "http://mirror.invalid" + address

        def tag(match: re.Match[str]) -> str:
            element = match.group(0)
            is_form = match.group(1).lower() == "form"
            if match.group(1).lower() == "link":
                rel_attr = _REL.search(element)
                kinds = rel_attr.group(2).lower().split() if rel_attr else []
                if "canonical" in kinds or ("alternate" in kinds and "hreflang" in element):
                    return element

            def attr(found: re.Match[str]) -> str:
                value = self.rewrite_link(html.unescape(found.group(3)), page, rel, group, is_form)
                return f"{found.group(1)}{found.group(2)}{html.escape(value)}{found.group(2)}"

            def srcset(found: re.Match[str]) -> str:
                candidates = []
                for candidate in html.unescape(found.group(3)).split(","):
                    url, _space, descriptor = candidate.strip().partition(" ")
                    url = self.rewrite_link(url, page, rel, group, False)
                    candidates.append(f"{url} {descriptor}".strip())
                value = html.escape(", ".join(candidates))
                return f"{found.group(1)}{found.group(2)}{value}{found.group(2)}"

            return _SRCSET.sub(srcset, _ATTR.sub(attr, element))

        return _TAG.sub(tag, text)

    def rewrite_link(self, value: str, page: str, rel: str, group: str, is_form: bool) -> str:
        if not value or value.startswith(_NOT_LINKS):
            return value
        # An address from the site's root ("/fa/...") means the same on every page.
        key = (value, "" if value.startswith("/") and not value.startswith("//") else page)
        found = self._links.get(key)
        if found is None:
            found = self._link_target(value, page)
            self._links[key] = found
        path, query, fragment, target = found
        if not path:
            return value
        if target is None or (is_form and not target.endswith("/search/index.html")):
            query = f"?{query}" if query else ""
            return f"{settings.NASHR_SITE_URL}{path}{query}{fragment}"
        if target.startswith(("static/", "media/")):
            self.claim(path, "static")
        else:
            self.claim(path + (f"?{query}" if query else ""), group)
        if target == rel and fragment:
            return fragment
        return self.relative_link(rel, target) + fragment

    def _link_target(self, value: str, page: str) -> tuple[str, str, str, str | None]:
        """(path in the site, query, "#fragment", file) of a link; path "" if not the site's."""
        absolute = urlsplit(urljoin(page, value))
        if absolute.netloc == "mirror.invalid":
            path = absolute.path
        elif f"{absolute.scheme}://{absolute.netloc}" == self.site_origin and (
            absolute.path.startswith(self.prefix + "/")
        ):
            path = absolute.path[len(self.prefix) :]
        else:
            return "", "", "", None
        fragment = f"#{absolute.fragment}" if absolute.fragment else ""
        return path, absolute.query, fragment, self.file_for(path, absolute.query)

    # Pages the site has no view for.

    def redirect_page(self, rel: str, target: str) -> bytes:
        link = relative_link(rel, target)
        language = rel.split("/", 1)[0]
        if language not in _languages():
            language = settings.LANGUAGE_CODE
        with override(language):
            text = render_to_string(
                "mirror/redirect.html",
                {"link": link, "language": language, "direction": direction(language)},
            )
        return text.encode("utf-8")

    def root_page(self) -> bytes:
        languages = [
            {"code": code, "name": name, "link": f"{code}/index.html", "dir": direction(code)}
            for code, name in settings.LANGUAGES
        ]
        with override(settings.LANGUAGE_CODE):
            text = render_to_string(
                "mirror/root.html",
                {
                    "languages": languages,
                    "link": f"{settings.LANGUAGE_CODE}/index.html",
                    "direction": direction(settings.LANGUAGE_CODE),
                    "language": settings.LANGUAGE_CODE,
                    "MIRROR_URLS": settings.NASHR_MIRROR_URLS,
                    "ONION_URL": settings.NASHR_ONION_URL,
                    "SITE_URL": settings.NASHR_SITE_URL,
                },
            )
        return text.encode("utf-8")

    def robots(self) -> bytes:
        lines = ["User-agent: *", "Allow: /"]
        if self.base_url:
            lines.append(f"Sitemap: {self.base_url}/sitemap.xml")
        return ("\n".join(lines) + "\n").encode()

    def not_found_page(self) -> None:
        language = settings.LANGUAGE_CODE
        address = f"/{language}/{STATE_DIR}-missing/"
        # The missing page is expected: not worth django.request's warning.
        request_log = logging.getLogger("django.request")
        level = request_log.level
        request_log.setLevel(logging.ERROR)
        try:
            client = Client(raise_request_exception=True, **self.environ)
            response = client.get(address, secure=self.secure)
        finally:
            request_log.setLevel(level)
        text = self.rewrite_html(
            response.content.decode("utf-8"), f"/{language}/", "404.html", "misc"
        )
        if self.base_url:
            # Hosts serve 404.html at any missing address: its links start from the base.
            text = text.replace("<head>", f'<head>\n<base href="{html.escape(self.base_url)}/">', 1)
        self.owner["404.html"] = "misc"
        self.emit("404.html", text.encode("utf-8"))

    def search_page(self, language: str, rel: str) -> None:
        request = RequestFactory().get(f"/{language}/search/", secure=self.secure)
        request.META[MIRROR_ENVIRON_KEY] = self.forms
        with override(language):
            text = render_to_string(
                "mirror/search.html",
                {"languages": search_index.language_choices(), "language": language},
                request=request,
            )
        address = f"/{language}/search/"
        self.emit(rel, self.rewrite_html(text, address, rel, f"search:{language}").encode("utf-8"))
        for name, data in search_index.build(language=language).items():
            index_rel = f"{language}/search/{name}"
            self.owner[index_rel] = f"search:{language}"
            self.emit(index_rel, data)

    def bulletin_pdf(self, address: str, rel: str) -> None:
        parts = [unquote(part) for part in address.split("/") if part]
        bulletin = (
            Bulletin.objects.filter(
                status=BulletinStatus.PUBLISHED, series__slug=parts[2], number=int(parts[3])
            )
            .select_related("series")
            .first()
        )
        if bulletin is None:
            self.summary.problems.append(f"{address}: no such bulletin")
            return
        self.emit(rel, bulletin_pdf(bulletin=bulletin))

    def copy_static(self, address: str, rel: str) -> None:
        name = unquote(urlsplit(address).path[len(settings.STATIC_URL) :])
        source: str | None = None
        if staticfiles_storage.exists(name):
            source = staticfiles_storage.path(name)
        else:
            found = finders.find(name)
            source = found if isinstance(found, str) else None
        if source is None:
            self.summary.problems.append(f"{address}: no such static file")
            return
        data = Path(source).read_bytes()
        if name.endswith(".css"):
            for match in _CSS_URL.finditer(data.decode("utf-8")):
                reference = match.group(2)
                if reference.startswith(_NOT_LINKS):
                    continue
                path = urlsplit(urljoin(address, reference)).path
                self.claim(path, "static")
        self.emit(rel, data)

    # The whole build.

    def run(self) -> Summary:
        started = time.monotonic()
        self.root.mkdir(parents=True, exist_ok=True)
        state = self.root / STATE_DIR
        state.mkdir(exist_ok=True)
        with (state / LOCK).open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise MirrorError(
                    f"another build is writing {self.root}",
                    where=str(state / LOCK),
                    hint="wait for it to finish, then run the build again",
                ) from exc
            self._run(state)
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _run(self, state: Path) -> None:
        # Leftovers of a killed build: half-written files never reached OUTDIR itself.
        shutil.rmtree(state / "tmp", ignore_errors=True)
        (state / "tmp").mkdir()
        interrupted = (state / IN_PROGRESS).exists()
        manifest = read_manifest(self.root)
        old_groups = {rel: entry[1] for rel, entry in manifest.get("files", {}).items()}
        # After a killed build the manifest may be older than the files: trust none of it.
        old: dict[str, list[str]] = {} if interrupted else manifest.get("files", {})
        groups, full = self.plan(manifest, interrupted)
        self.summary.full = full
        self.outdir = Outdir(self.root, trusted={rel: entry[0] for rel, entry in old.items()})
        self.old_group = {} if full else old_groups
        self.rendering = groups
        self.kept_groups = set(old_groups.values()) - groups
        (state / IN_PROGRESS).write_text(str(os.getpid()))
        self.pages = Pages(forms=self.forms, secure=self.secure, environ=self.environ, bulk=full)
        wanted = [int(group[4:]) for group in groups if group.startswith("pub:")]
        if wanted:
            self.pages.prefetch_publications(None if full else wanted)

        for group in sorted(groups):
            for address in self.seeds(group):
                split = urlsplit(address)
                rel = file_for(split.path, split.query)
                if rel is not None and rel not in self.owner:
                    self.owner[rel] = group
                    self.queue.append((address, rel, group))
        self.legacy_pages(groups)
        self.pdfs(groups)
        if "misc" in groups:
            self.owner["robots.txt"] = "misc"
            self.emit("robots.txt", self.robots())
            self.not_found_page()
        self.run_queue_parallel()

        # Files no group makes any more.
        files: dict[str, list[str]] = {}
        for rel, group in old_groups.items():
            if rel in self.owner:
                continue
            keep = not upload_gone(rel) and (
                group in self.kept_groups
                or rel in self.keep_files
                or (group == "static" and not full)
            )
            if keep and not full and rel in old:
                files[rel] = old[rel]
            else:
                self.outdir.remove(rel, self.summary)
        for rel, group in self.owner.items():
            if rel in self.hashes:
                files[rel] = [self.hashes[rel], group]
        if full:
            for rel in list(self.outdir.files_on_disk()):
                if rel not in files:
                    self.outdir.remove(rel, self.summary)
        new_manifest = {
            "format": FORMAT,
            "site": self.site_print,
            "bulletins": self.bulletins_print,
            "publications": self.pubs,
            "months": {
                language: sorted(month_group(language, *m) for m in self.months(language))
                for language in _languages()
            },
            "files": dict(sorted(files.items())),
        }
        write_state_file(self.root, MANIFEST, json.dumps(new_manifest).encode("utf-8"))
        (state / IN_PROGRESS).unlink()

    def legacy_pages(self, groups: set[str]) -> None:
        wanted = [int(group[4:]) for group in groups if group.startswith("pub:")]
        rows = (
            Publication.objects.published()
            .filter(pk__in=wanted, legacy_path__isnull=False)
            .exclude(legacy_path="")
        )
        for publication in rows:
            rel = legacy_file(publication.legacy_path or "")
            target = file_for(publication.get_absolute_url())
            if (
                rel is None
                or target is None
                or rel in self.owner
                or file_for("/" + rel[:-10] + "/")
            ):
                continue
            self.owner[rel] = f"pub:{publication.pk}"
            self.emit(rel, self.redirect_page(rel, target))

    def pdfs(self, groups: set[str]) -> None:
        for language in _languages():
            if f"bulletins:{language}" not in groups:
                continue
            bulletins = Bulletin.objects.filter(
                status=BulletinStatus.PUBLISHED, series__language=language
            ).select_related("series")
            for bulletin in bulletins:
                address = bulletin.get_absolute_url() + PDF_NAME
                rel = file_for(address)
                if rel is not None and rel not in self.owner:
                    self.owner[rel] = f"bulletins:{language}"
                    self.queue.append((address, rel, f"bulletins:{language}"))


def _take(counter: Any) -> int:
    """The next number of a counter shared by the build's processes."""
    with counter.get_lock():
        number: int = counter.value
        counter.value = number + 1
    return number


def mirror_build(
    *,
    outdir: Path,
    base_url: str = "",
    forms: str | None = None,
    full: bool = False,
    parallel_from: int | None = PARALLEL_FROM,
) -> Summary:
    """Write the public site into `outdir`, rewriting only what changed since the last build.

    From `parallel_from` publication pages on, a second process renders half of them
    (None: never).
    """
    chosen = forms or settings.NASHR_MIRROR_FORMS
    if chosen not in {"primary", "note"}:
        raise MirrorError(
            f"unknown form choice {chosen!r}", where="--forms", hint="use 'primary' or 'note'"
        )
    build = Build(outdir, forms=chosen, base_url=base_url, full=full, parallel_from=parallel_from)
    return build.run()
