"""Rendering a build's files: the site's pages through ``pages.Pages``, links rewritten.

A group's files are rendered from its seed addresses (``planning.Plan.seeds``); each page
claims the addresses it links to that no group owns yet (the next page of a list, a month
of the archive, a static file), which are then rendered in the same build. Every link into
the site is rewritten into a path relative to the page's file (``addresses``); links the
mirror cannot serve point to NASHR_SITE_URL; a link whose address has no safe file name
once its percent-escapes are decoded (``addresses.unquoted_path``: ``%2e%2e``, ``%2F``,
``%00``...) is dropped (its attribute removed: the text stays) and reported in the
summary's problems. Pages the site has no view for (the mirror's root, redirects, its 404
page and search page) are rendered here from the mirror's own templates. Each file goes to
``writing.Outdir``, which writes only what changed.
"""

from __future__ import annotations

import html
import json
import logging
import multiprocessing
import os
import posixpath
import re
import traceback
from collections import deque
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connections
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.test import Client, RequestFactory
from django.utils.translation import gettext, override

from nashr.bulletins.models import PDF_NAME, Bulletin, BulletinStatus
from nashr.bulletins.rendering import bulletin_pdf
from nashr.core.bidi import direction
from nashr.core.mirror_mode import mirror_environ
from nashr.mirror import search_index
from nashr.mirror.addresses import (
    file_for,
    languages,
    legacy_file,
    month_group_of_file,
    relative_link,
    site_prefix,
    unquoted_path,
)
from nashr.mirror.pages import Pages
from nashr.mirror.planning import Plan
from nashr.mirror.sitemap_cache import SitemapCache
from nashr.mirror.writing import STATE_DIR, MirrorError, Outdir, Summary
from nashr.publications.models import Publication

# Publication pages from which a second process pays for its start (about 2 ms a page
# saved against a fork and a setup of well under a second).
PARALLEL_FROM = 1000

_TAG = re.compile(r"<(a|link|img|script|form|source|iframe|area)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"(\s(?:href|src|action)=)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)
_SRCSET = re.compile(r"(\ssrcset=)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)
_REL = re.compile(r"\srel=([\"'])(.*?)\1", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*([\"']?)([^\"')]+)\1\s*\)")
_NOT_LINKS = ("#", "mailto:", "data:", "tel:", "javascript:")

# One file to render: (address, file relative to OUTDIR, group).
Item = tuple[str, str, str]


def _take(counter: Any) -> int:
    """The next number of a counter shared by the build's processes."""
    with counter.get_lock():
        number: int = counter.value
        counter.value = number + 1
    return number


class Renderer:
    """Renders the files of a plan's groups into an Outdir (``queue_groups``, then
    ``render_all``); what it wrote is in ``owner`` (file → group) and ``hashes``."""

    def __init__(
        self,
        *,
        plan: Plan,
        outdir: Outdir,
        pages: Pages,
        old_groups: dict[str, str],
        base_url: str,
        parallel_from: int | None,
    ) -> None:
        self.plan = plan
        self.outdir = outdir
        self.root = outdir.root
        self.pages = pages
        self.base_url = base_url
        self.parallel_from = parallel_from
        self.summary = Summary(full=plan.full)
        self.secure = pages.secure
        parts = urlsplit(settings.NASHR_SITE_URL)
        self.site_origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = site_prefix()
        # The group each file had in the last build (none when everything is rendered).
        self.old_group = {} if plan.full else old_groups
        self.owner: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        self.queue: deque[Item] = deque()
        self.sitemap = SitemapCache(self.root, reuse=not plan.full)
        # In the second process: the addresses its pages claim, for the first to render.
        self.recorded: dict[tuple[str, str], None] | None = None
        # Links repeat from page to page (the header, the footer, the lists): each address'
        # file and each relative link are worked out once.
        self._files: dict[tuple[str, str], str | None] = {}
        self._links: dict[tuple[str, str], tuple[str, str, str, str | None]] = {}
        self._relative: dict[tuple[str, str], str] = {}

    # What to render.

    def queue_groups(self) -> None:
        """The seeds of every group of the plan, its publications' old addresses and
        bulletins' PDFs, and the files of no page (robots.txt, 404.html)."""
        groups = self.plan.groups
        for group in sorted(groups):
            for address in self.plan.seeds(group):
                split = urlsplit(address)
                rel = file_for(split.path, split.query)
                if rel is not None and rel not in self.owner:
                    self.owner[rel] = group
                    self.queue.append((address, rel, group))
        self.legacy_pages()
        self.queue_pdfs()
        if "misc" in groups:
            self.owner["robots.txt"] = "misc"
            self.write_file("robots.txt", self.robots())
            self.not_found_page()

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
        if rel is None or rel in self.owner or rel in self.plan.keep_files:
            return
        if self.recorded is not None:
            self.recorded[(address, group)] = None
            return
        # Each month of the archive is a group: an edit re-renders its own month only.
        group = month_group_of_file(rel) or group
        old_group = self.old_group.get(rel)
        if old_group is not None and old_group != "static":
            if old_group not in self.plan.groups:
                return  # unchanged: kept as it is
            group = old_group
        self.owner[rel] = group
        self.queue.append((address, rel, group))

    def render_queue(self) -> None:
        while self.queue:
            self.render_file(*self.queue.popleft())

    def render_file(self, address: str, rel: str, group: str) -> None:
        """Write the file `rel` of `group`, the page at `address` (or its stand-in)."""
        if rel.startswith("static/"):
            self.copy_static(address, rel)
        elif rel == "index.html":
            self.write_file(rel, self.root_page())
        elif rel.endswith("/search/index.html"):
            self.search_page(rel.split("/", 1)[0], rel)
        elif rel.endswith("/" + PDF_NAME):
            self.bulletin_pdf(address, rel)
        else:
            self.render_page(address, rel, group)

    def write_file(self, rel: str, data: bytes) -> None:
        self.hashes[rel] = self.outdir.write(rel, data, self.summary)

    # Two processes.

    def render_all(self) -> None:
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
        weight = len(pages) + (len(self.plan.pubs) if searches or sitemap else 0)
        if (
            self.parallel_from is None
            or weight < self.parallel_from
            or not hasattr(os, "fork")
            or any(connection.in_atomic_block for connection in connections.all())
        ):
            self.render_queue()
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
            self.render_queue()
            while (index := _take(taken)) < len(shared):
                self.render_file(*shared[index])
                self.render_queue()
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
        self.render_queue()

    def _second_process(
        self, shared: list[Item], taken: Any, writing: int, parent: int
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
                self.render_file(*shared[index])
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

    # One page of the site.

    def render_page(self, address: str, rel: str, group: str) -> None:
        response = self.pages.get(address)
        if response.status_code in {301, 302}:
            location = urlsplit(urljoin(address, response["Location"]))
            target = self.file_for(location.path, location.query)
            if target is None:
                self.summary.problems.append(f"{address}: redirects outside the mirror")
                return
            self.claim(location.path + (f"?{location.query}" if location.query else ""), group)
            self.write_file(rel, self.redirect_page(rel, target))
            return
        if response.status_code != 200:
            self.summary.problems.append(f"{address}: answered {response.status_code}")
            return
        if group == "sitemap" and isinstance(response, TemplateResponse):
            body = self.sitemap_text(address, response).encode("utf-8")
        else:
            body = self.pages.content(address, response)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            text = self.rewrite_html(body.decode("utf-8"), address, rel, group)
            body = text.encode("utf-8")
        elif self.base_url:
            body = body.replace(settings.NASHR_SITE_URL.encode(), self.base_url.encode())
        self.write_file(rel, body)

    def sitemap_text(self, address: str, response: TemplateResponse) -> str:
        """The sitemap view's answer, rendered through ``SitemapCache``."""
        assert response.context_data is not None and isinstance(response.template_name, str)
        with override(self.pages.language_of(address)):
            return self.sitemap.render(response.template_name, response.context_data["urlset"])

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
                if value is None:
                    return ""
                return f"{found.group(1)}{found.group(2)}{html.escape(value)}{found.group(2)}"

            def srcset(found: re.Match[str]) -> str:
                candidates = []
                for candidate in html.unescape(found.group(3)).split(","):
                    url, _space, descriptor = candidate.strip().partition(" ")
                    rewritten = self.rewrite_link(url, page, rel, group, False)
                    if rewritten is not None:
                        candidates.append(f"{rewritten} {descriptor}".strip())
                value = html.escape(", ".join(candidates))
                return f"{found.group(1)}{found.group(2)}{value}{found.group(2)}"

            return _SRCSET.sub(srcset, _ATTR.sub(attr, element))

        return _TAG.sub(tag, text)

    def rewrite_link(
        self, value: str, page: str, rel: str, group: str, is_form: bool
    ) -> str | None:
        """The link `value` of the page `page` (in the file `rel`) as the mirror writes it;
        None to drop it (an address of the site with no safe file name, reported)."""
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
        if unquoted_path(path) is None:
            # Neither a file of the mirror nor a page of the site (the site reads the path
            # decoded too): dropped rather than sent to the primary site, which the
            # mirror's readers may not reach.
            address = page.removeprefix("http://mirror.invalid")
            self.summary.problems.append(
                f"{address}: link {value} dropped (no safe file name in the mirror)"
            )
            return None
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

    # Files the site has no view for.

    def redirect_page(self, rel: str, target: str) -> bytes:
        link = relative_link(rel, target)
        language = rel.split("/", 1)[0]
        if language not in languages():
            language = settings.LANGUAGE_CODE
        with override(language):
            text = render_to_string(
                "mirror/redirect.html",
                {"link": link, "language": language, "direction": direction(language)},
            )
        return text.encode("utf-8")

    def root_page(self) -> bytes:
        choices = [
            {"code": code, "name": name, "link": f"{code}/index.html", "dir": direction(code)}
            for code, name in settings.LANGUAGES
        ]
        with override(settings.LANGUAGE_CODE):
            text = render_to_string(
                "mirror/root.html",
                {
                    "languages": choices,
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
            client = Client(raise_request_exception=True, **self.pages.environ)
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
        self.write_file("404.html", text.encode("utf-8"))

    def search_page(self, language: str, rel: str) -> None:
        factory = RequestFactory(**mirror_environ(forms=self.pages.forms))
        request = factory.get(f"/{language}/search/", secure=self.secure)
        with override(language):
            text = render_to_string(
                "mirror/search.html",
                {
                    "languages": search_index.language_choices(),
                    "language": language,
                    "stemmer_scripts": search_index.stemmer_scripts(),
                },
                request=request,
            )
        address = f"/{language}/search/"
        page = self.rewrite_html(text, address, rel, f"search:{language}")
        self.write_file(rel, page.encode("utf-8"))
        for name, data in search_index.build(language=language).items():
            index_rel = f"{language}/search/{name}"
            self.owner[index_rel] = f"search:{language}"
            self.write_file(index_rel, data)

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
        self.write_file(rel, bulletin_pdf(bulletin=bulletin))

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
        self.write_file(rel, data)

    def legacy_pages(self) -> None:
        """A redirect at each re-rendered publication's old address (its legacy path)."""
        wanted = [int(group[4:]) for group in self.plan.groups if group.startswith("pub:")]
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
                or file_for(quote("/" + rel[: -len("index.html")]))
            ):
                continue
            self.owner[rel] = f"pub:{publication.pk}"
            self.write_file(rel, self.redirect_page(rel, target))

    def queue_pdfs(self) -> None:
        for language in languages():
            if f"bulletins:{language}" not in self.plan.groups:
                continue
            bulletins = Bulletin.objects.filter(
                status=BulletinStatus.PUBLISHED, series__language=language
            ).select_related("series")
            for bulletin in bulletins:
                address = bulletin.get_pdf_url()  # the address the page links
                rel = file_for(address)
                if rel is not None and rel not in self.owner:
                    self.owner[rel] = f"bulletins:{language}"
                    self.queue.append((address, rel, f"bulletins:{language}"))
