"""Where each address of the site is written in the mirror, and links between its files.

Every link into the site is rewritten into a path relative to the page's file
(``/fa/p/12/x/`` → ``../../p/12/x/index.html``), so the output works from ``file://``,
from any sub-path and from any host. Addresses the mirror cannot serve (subscribe, the
admin, a query it does not write) have no file: their links point to NASHR_SITE_URL.

An address is read as the site reads it, its percent-escapes decoded, before any check:
one whose decoded path is no safe file path (``unquoted_path``: ``%2e%2e``, ``%2F``,
``%00``, a name too long for a file system) has no file either; the renderer drops its
links and reports them.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import override

from nashr.bulletins.models import PDF_NAME
from nashr.mirror.writing import STATE_DIR, safe_name

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


def unquoted_path(path: str) -> str | None:
    """The path as the site reads it (percent-escapes decoded), or None if its names are
    no safe file names (``writing.safe_name``): an encoded slash or backslash, a "." or
    ".." part, an empty part, a NUL or control character, bytes that are not UTF-8, or a
    name longer than file systems take.

    The slash that starts the path and the one that ends a folder's address are kept.
    """
    try:
        names = [unquote(part, errors="strict") for part in path.split("/")]
    except UnicodeDecodeError:
        return None
    inner = names[1:] if names[0] == "" else names
    if inner and inner[-1] == "":
        inner = inner[:-1]
    if not all(safe_name(name) for name in inner):
        return None
    return "/".join(names)


def file_for(path: str, query: str = "") -> str | None:
    """The file (relative to OUTDIR) that holds the address, or None if the mirror has none."""
    clean = unquoted_path(path)
    if clean is None:
        return None
    params = parse_qs(query, keep_blank_values=True)
    page = 1
    if params:
        number = params["page"][0] if set(params) == {"page"} else ""
        # ASCII digits only: int() refuses "²" and numbers of thousands of digits.
        if not (number.isascii() and number.isdigit() and len(number) <= 9):
            return None
        page = int(number)
    for url, folder in ((settings.STATIC_URL, "static/"), (settings.MEDIA_URL, "media/")):
        # Uploads (nashr.media) are served by the site's own view and so by the mirror.
        if clean.startswith(url):
            named = len(clean) > len(url) and not clean.endswith("/")
            return folder + clean[len(url) :] if named and not query else None
    if clean == "/":
        return None if query else "index.html"
    if clean in {"/sitemap.xml", "/robots.txt"}:
        return None if query else clean[1:]
    parts = [part for part in clean.split("/") if part]
    if not parts or parts[0] not in dict(settings.LANGUAGES):
        return None
    if len(parts) > 1 and parts[1] in SERVER_SECTIONS:
        return None
    if len(parts) > 1 and parts[1] == "search":
        # The mirror's own search page stands in for the server's, whatever the query.
        return f"{parts[0]}/search/index.html" if len(parts) == 2 else None
    if parts[-1] == PDF_NAME:
        bulletin = clean[: -len(PDF_NAME)]
        if query or _view_name(bulletin, parts[0]) != "bulletins:detail":
            return None
        return clean.lstrip("/")
    if not clean.endswith("/"):
        return None
    view_name = _view_name(clean, parts[0])
    if view_name is None:
        return None
    folder = clean.strip("/")
    if view_name in FEED_VIEWS:
        return None if query else f"{folder}/feed.xml"
    return f"{folder}/index.html" if page == 1 else f"{folder}/page-{page}.html"


def _view_name(path: str, language: str) -> str | None:
    """The name of the view that answers the (unquoted) path, None if none does."""
    try:
        # The language prefix resolves only under its own language.
        with override(language):
            return resolve(path).view_name
    except Resolver404:
        return None


def legacy_file(path: str) -> str | None:
    """The folder page that stands for an old address (/node/10158 → node/10158/index.html)."""
    unquoted = unquoted_path(urlsplit(path).path)
    clean = (unquoted or "").strip("/")
    if not clean or clean.split("/")[0] == STATE_DIR:
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
