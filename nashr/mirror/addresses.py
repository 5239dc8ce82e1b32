"""Where each address of the site is written in the mirror, and links between its files.

Every link into the site is rewritten into a path relative to the page's file
(``/fa/p/12/x/`` → ``../../p/12/x/index.html``), so the output works from ``file://``,
from any sub-path and from any host. Addresses the mirror cannot serve (subscribe, the
admin, a query it does not write) have no file: their links point to NASHR_SITE_URL.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import override

from nashr.mirror.writing import STATE_DIR

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

_MONTH_FILE = re.compile(r"^(?P<lang>[a-z-]+)/archive/(?P<year>\d+)/(?P<month>\d+)/index\.html$")


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def url_in(language: str, name: str, **kwargs: object) -> str:
    """The address of the view `name` in `language`."""
    with override(language):
        return reverse(name, kwargs=kwargs)


def month_group(language: str, year: int, month: int) -> str:
    """The group of a month of the archive (each month is one: an edit renders its own)."""
    return f"month:{language}:{year}-{month}"


def month_group_of_file(rel: str) -> str | None:
    """The month group of an archive month's file, None for any other file."""
    archived = _MONTH_FILE.match(rel)
    if archived is None:
        return None
    return month_group(archived["lang"], int(archived["year"]), int(archived["month"]))


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
    if not parts or parts[0] not in dict(settings.LANGUAGES):
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
