"""Old addresses: how they are written down and looked up, and what each one answers.

An address is kept decoded (``/بیانیه`` rather than ``/%D8%A8…``, as Django gives
``request.path``) and without its trailing slash, so ``/about``, ``/about/`` and the
percent-encoded form all find one row. WordPress's query addresses keep their one
meaningful parameter: ``/?p=7``, ``/?page_id=9``. Drupal's addresses without clean URLs
(``/?q=node/7``, ``/index.php?q=fa/about``) stand for the path they name (``/node/7``).
The importers write them down (``nashr.importers``); the middleware answers them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from nashr.core.pagecache import DRUPAL_PATH_PARAMETER, WORDPRESS_QUERY_PARAMETERS
from nashr.publications.models import OldAddress, Publication, Status

# The query parameters by which WordPress finds a post or a page without its permalink
# (the page cache leaves requests with one to the old-address middleware): a number.
QUERY_KEYS = WORDPRESS_QUERY_PARAMETERS
# Drupal's path parameter (``/?q=node/7``), read at the site's root only.
DRUPAL_QUERY_KEY = DRUPAL_PATH_PARAMETER
DRUPAL_ROOTS = frozenset({"/", "/index.php"})


def normalize_path(address: str) -> str:
    """The stored form of an old address: a full URL, an encoded path or a decoded one."""
    parts = urlsplit(address.strip())
    path = unquote(parts.path or "/")
    if not path.startswith("/"):
        path = "/" + path
    path = path.rstrip("/") or "/"
    query = dict(
        pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair and pair[0] != "="
    )
    for key in QUERY_KEYS:
        if query.get(key, "").isdigit():
            return f"{path}?{key}={query[key]}"
    return path


def query_address(path: str, query: Mapping[str, str]) -> str | None:
    """The stored form of a request's WordPress query address (``/?p=7``), or the path a
    Drupal one names (``/?q=node/7``: ``/node/7``), if it has one."""
    for key in QUERY_KEYS:
        value = query.get(key, "")
        if value.isdigit():
            return f"{path.rstrip('/') or '/'}?{key}={value}"
    named = query.get(DRUPAL_QUERY_KEY, "").strip("/")
    if named and "?" not in named and (path.rstrip("/") or "/") in DRUPAL_ROOTS:
        return f"/{named}"
    return None


@dataclass(frozen=True)
class OldAnswer:
    """What an old address answers: a 301 to ``location``, a 410, or a 404."""

    status: int
    location: str = ""


def old_address_answer(path: str) -> OldAnswer | None:
    """The answer for an address this site does not know itself, or None if it is not old.

    A redirect to a publication that is not published (yet, or any more) is a 404: the
    address is known, but there is nothing to show.
    """
    if "\x00" in path:  # PostgreSQL's text cannot hold a NUL, so no stored path has one.
        return None
    stored = normalize_path(path) if "?" in path else (path.rstrip("/") or "/")
    row = (
        OldAddress.objects.filter(path=stored)
        .select_related("publication")
        .only(
            "answer",
            "target",
            "publication__id",
            "publication__slug",
            "publication__status",
            "publication__language",
        )
        .first()
    )
    if row is not None:
        if row.answer == OldAddress.Answer.GONE:
            return OldAnswer(410)
        if row.publication is None:
            return OldAnswer(301, row.target)
        if row.publication.status == Status.PUBLISHED:
            return OldAnswer(301, row.publication.get_absolute_url())
        return OldAnswer(404)
    publication = (
        Publication.objects.filter(legacy_path=path, status=Status.PUBLISHED)
        .only("pk", "slug", "language")
        .first()
    )
    if publication is not None:
        return OldAnswer(301, publication.get_absolute_url())
    return None
