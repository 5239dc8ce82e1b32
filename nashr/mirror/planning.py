"""Planning a build: which groups of files to render, from what changed since the last.

Groups. Each file belongs to a group: ``pub:12`` (the publication's pages in every
language, its old address), ``kind:fa:statement`` (a list with its pages), ``home:fa``,
``archive:fa``, ``month:fa:1403-2`` (a month of the archive), ``feeds:fa``,
``bulletins:fa``, ``search:fa``, ``sitemap``, ``misc``, ``static``. A group is rendered
from its seed addresses (``Plan.seeds``), following the links its pages make to addresses
no group owns yet (the next page of a list).

Fingerprints. The manifest keeps fingerprints of what pages show: every published
publication (its time of change, kind, language, translation key, approved comments),
the bulletins, and everything else at once (kinds, signatories, settings, templates,
static files, translations). A changed publication re-renders its group and those of its
language versions, the home pages, the pages of its kind's lists it is on, its months of
the archive, the feeds, the sitemap and the search index of its language; a change of
anything else renders it all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q

from nashr.bulletins.models import Bulletin, BulletinStatus, Series
from nashr.comments.models import Comment, CommentPolicy, CommentStatus
from nashr.core.calendars import month_of
from nashr.mirror.addresses import file_for, languages, month_group, url_in
from nashr.mirror.writing import FORMAT
from nashr.publications import selectors
from nashr.publications.language_versions import version_to_show
from nashr.publications.models import Kind, Publication, Signatory
from nashr.publications.views import PAGE_SIZE

# A publication's fingerprint and where it is listed, by id (a string: JSON's keys).
Prints = dict[str, dict[str, Any]]


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
        settings.NASHR_LIST_ADDRESS,  # the subscribe box's mailto: links
        settings.LANGUAGES,
        settings.STATIC_URL,
        forms,
        base_url,
        FORMAT,
    ]
    return _hash([kinds, signatories, config, code_fingerprint()])


def publication_prints() -> tuple[Prints, dict[int, str]]:
    """Each published publication: a fingerprint of what its pages show, and where it is
    listed; and each one's slug (for its addresses)."""
    comments: dict[int, Any] = {
        row["publication_id"]: (row["count"], row["last"])
        for row in Comment.objects.filter(status=CommentStatus.APPROVED)
        .values("publication_id")
        .annotate(count=Count("id"), last=Max("moderated_at"))
    }
    # Closed or hidden, a page shows its comments otherwise.
    for pk, closed, hidden in CommentPolicy.objects.filter(
        Q(closed=True) | Q(hidden=True)
    ).values_list("publication_id", "closed", "hidden"):
        comments[pk] = (comments.get(pk), closed, hidden)
    rows = Publication.objects.published().values_list(
        "pk", "updated_at", "kind__slug", "language", "translation_key", "date", "slug",
        "legacy_path", "revision", "translation_of_id",
    )  # fmt: skip
    found = {}
    slugs = {}
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
        slugs[pk] = slug or "-"
    return found, slugs


def bulletin_fingerprint() -> str:
    bulletins = Bulletin.objects.filter(status=BulletinStatus.PUBLISHED).values_list(
        "pk", "series_id", "number", "edition", "published_at", "corrected_at"
    )
    series = Series.objects.values_list("pk", "updated_at")
    return _hash([sorted(bulletins), sorted(series, key=lambda row: row[0])])


@dataclass(frozen=True)
class PrintedVersion:
    """A publication as its print records it, for ``language_versions.version_to_show``."""

    pk: str
    language: str
    is_original: bool


def shown_in(pubs: Prints, language: str) -> set[str]:
    """The publications (ids) that a reader of `language` sees listed, from their prints:
    by the rule the site's lists follow (``language_versions``)."""
    by_key: dict[str, list[PrintedVersion]] = defaultdict(list)
    for pk, info in pubs.items():
        by_key[info["key"]].append(PrintedVersion(pk, info["language"], info["original"]))
    shown = set()
    for versions in by_key.values():
        chosen = version_to_show(versions, language=language)
        if chosen is not None:
            shown.add(chosen.pk)
    return shown


def list_pages(pubs: Prints, shown: set[str], kind: str) -> list[list[str]]:
    """The publications (ids) on each page of a kind's list, given those `shown` in its
    language (``shown_in``), in the list's order (newest first)."""
    listed = sorted(
        (
            (info["date"], int(pk))
            for pk, info in pubs.items()
            if info["kind"] == kind and pk in shown
        ),
        reverse=True,
    )
    ids = [str(pk) for _date, pk in listed]
    return [ids[start : start + PAGE_SIZE] for start in range(0, len(ids), PAGE_SIZE)] or [[]]


class Plan:
    """What a build renders: its groups, and of a kind's list the pages that change.

    Made by ``plan_build``; `full`: everything is rendered (no manifest, a killed build,
    a change of the site's code or settings, or asked for).
    """

    def __init__(
        self, *, site_print: str, pubs: Prints, slugs: dict[int, str], bulletins_print: str
    ) -> None:
        self.site_print = site_print
        self.pubs = pubs
        self.slugs = slugs
        self.bulletins_print = bulletins_print
        self.groups: set[str] = set()
        self.full = False
        # Pages of a re-rendered list that stay as they are, and the pages to render.
        self.keep_files: set[str] = set()
        self.list_seeds: dict[str, list[str]] = {}
        self._months: dict[str, list[tuple[int, int]]] = {}
        self._shown: dict[tuple[int, str], set[str]] = {}

    def months(self, language: str) -> list[tuple[int, int]]:
        """The archive's months in `language`, newest first."""
        if language not in self._months:
            self._months[language] = [
                (m.year, m.month) for m in selectors.archive_months(language=language)
            ]
        return self._months[language]

    def month_groups(self, language: str) -> list[str]:
        return sorted(month_group(language, *m) for m in self.months(language))

    def all_groups(self) -> set[str]:
        groups = {"misc", "sitemap"}
        for language in languages():
            groups |= {f"home:{language}", f"archive:{language}", f"feeds:{language}"}
            groups |= {f"search:{language}", f"bulletins:{language}"}
            groups |= {
                f"kind:{language}:{slug}" for slug in Kind.objects.values_list("slug", flat=True)
            }
        return groups | {f"pub:{pk}" for pk in self.pubs}

    def changed_groups(self, manifest: dict[str, Any]) -> set[str]:
        """The groups the changes since `manifest` touch."""
        old_pubs: Prints = manifest.get("publications", {})
        changed = {
            pk
            for pk in set(old_pubs) | set(self.pubs)
            if old_pubs.get(pk, {}).get("print") != self.pubs.get(pk, {}).get("print")
        }
        groups: set[str] = set()
        if changed:
            touched = [
                info for pk in changed for info in (old_pubs.get(pk), self.pubs.get(pk)) if info
            ]
            keys = {info["key"] for info in touched}
            kinds = {info["kind"] for info in touched}
            dates = {dt.date.fromisoformat(info["date"]) for info in touched}
            groups |= {f"pub:{pk}" for pk in changed}
            groups |= {f"pub:{pk}" for pk, info in self.pubs.items() if info["key"] in keys}
            groups |= {"sitemap"}
            # A search index holds the publications in its language only.
            groups |= {f"search:{info['language']}" for info in touched if "language" in info}
            for language in languages():
                groups |= {f"home:{language}", f"archive:{language}", f"feeds:{language}"}
                if any("language" not in info for info in old_pubs.values()):
                    groups.add(f"search:{language}")  # a manifest of an older build
                for kind in kinds:
                    groups.add(f"kind:{language}:{kind}")
                    self.plan_list(old_pubs, language, kind)
                groups |= {month_group(language, *month_of(day, language)) for day in dates}
                # A month that appears or goes changes the links of its neighbours.
                now = set(self.month_groups(language))
                before = set(manifest.get("months", {}).get(language, []))
                if now != before:
                    groups |= now | before
        if manifest.get("bulletins") != self.bulletins_print:
            groups |= {f"bulletins:{language}" for language in languages()}
        return groups

    def _shown_in(self, pubs: Prints, language: str) -> set[str]:
        key = (id(pubs), language)
        if key not in self._shown:
            self._shown[key] = shown_in(pubs, language)
        return self._shown[key]

    def plan_list(self, old_pubs: Prints, language: str, kind: str) -> None:
        """Which pages of a kind's list to render: those whose publications changed.

        A page shows its publications and the number of pages: an edit renders the page
        it is on, a new date or a new publication the pages from its place on.
        """
        if any("language" not in info for info in old_pubs.values()):
            return  # a manifest of an older build: the whole list is rendered
        before = list_pages(old_pubs, self._shown_in(old_pubs, language), kind)
        now = list_pages(self.pubs, self._shown_in(self.pubs, language), kind)
        address = url_in(language, "publications:kind", kind=kind)
        seeds = self.list_seeds.setdefault(f"kind:{language}:{kind}", [])
        for number, ids in enumerate(now, start=1):
            rel = file_for(address, f"page={number}")
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

    def seeds(self, group: str) -> list[str]:
        """The addresses a group's rendering starts from."""
        name, _sep, rest = group.partition(":")
        if name == "month":
            language, _sep, when = rest.partition(":")
            year, month = (int(part) for part in when.split("-"))
            if (year, month) not in self.months(language):
                return []  # no longer in the archive: the group's page goes
            return [url_in(language, "publications:archive_month", year=year, month=month)]
        if name == "misc":
            return ["/"]
        if name == "sitemap":
            return ["/sitemap.xml"]
        if name == "home":
            return [url_in(rest, "publications:home")]
        if name == "archive":
            return [url_in(rest, "publications:archive")]
        if name == "kind":
            if group in self.list_seeds:
                return self.list_seeds[group]
            language, slug = rest.split(":", 1)
            return [url_in(language, "publications:kind", kind=slug)]
        if name == "feeds":
            kinds = Kind.objects.values_list("slug", flat=True)
            return [
                url_in(rest, "publications:feed_rss"),
                url_in(rest, "publications:feed_atom"),
                *(url_in(rest, "publications:kind_feed_rss", kind=slug) for slug in kinds),
                *(url_in(rest, "publications:kind_feed_atom", kind=slug) for slug in kinds),
            ]
        if name == "bulletins":
            return [url_in(rest, "bulletins:index")]
        if name == "search":
            return [f"/{rest}/search/"]
        if name == "pub":
            pub_slug = self.slugs.get(int(rest))
            if pub_slug is None:
                return []  # no longer published: the group's files go
            return [
                url_in(language, "publications:detail", pk=int(rest), slug=pub_slug)
                for language in languages()
            ]
        return []

    def manifest(self) -> dict[str, Any]:
        """What the next build compares with (the files' hashes are the writer's)."""
        return {
            "site": self.site_print,
            "bulletins": self.bulletins_print,
            "publications": self.pubs,
            "months": {language: self.month_groups(language) for language in languages()},
        }


def plan_build(
    *,
    root: Path,
    manifest: dict[str, Any],
    interrupted: bool,
    force_full: bool,
    forms: str,
    base_url: str,
) -> Plan:
    """The plan of a build into `root`, from the last build's `manifest`."""
    pubs, slugs = publication_prints()
    plan = Plan(
        site_print=site_fingerprint(forms=forms, base_url=base_url),
        pubs=pubs,
        slugs=slugs,
        bulletins_print=bulletin_fingerprint(),
    )
    if (
        force_full
        or interrupted
        or not manifest
        or manifest.get("site") != plan.site_print
        or not (root / "index.html").is_file()
    ):
        plan.groups, plan.full = plan.all_groups(), True
    else:
        plan.groups = plan.changed_groups(manifest)
    return plan
