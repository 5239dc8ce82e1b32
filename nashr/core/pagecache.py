"""Whole public pages from the cache, never stale; static files from WhiteNoise.

Readers arrive in waves (a statement shared on Telegram is read by tens of thousands
within the hour), so a public page is rendered once and then served from the cache by
``PublicPageCacheMiddleware``, before sessions, language or CSRF cost anything.

Never stale. Instead of finding every page a change touches, every change a service
announces to the change feed (``nashr.core.changes``) reaches ``public_pages_changed``
once its transaction has committed. That replaces one value, the *generation*, which is
part of every cached page's key, so every cached page is missed on the next request and
rendered afresh. A request reads the generation *before* it renders: a page
rendered from data older than a change is stored under the old generation, which no
request asks for again. A generation is a value never used before (its second, then
random digits) rather than a counter, so two processes replacing it at once cannot bring
back an old one; its second, always later than the previous generation's, is the pages'
Last-Modified.

What is cached: GET requests without a staff session, for pages outside the admin, the
search (every query is a new page: storing them would push the pages a wave reads out of
the cache, and the index answers fast) and the subscription pages (forms, and a reader's
own links); and of those only 200 answers that set no cookie, do not vary on a cookie and
are not marked private. A page that needs a CSRF token or a session says so itself (Vary:
Cookie, Set-Cookie) and is never stored. The language is in every cached path (/fa/…,
/en/…), and the host and scheme are in the key, so one language's page or one host's
absolute links are never served for another.

The query string. Of a cached request's parameters only those public pages read
(``PAGE_PARAMETERS``: a list's page, the comment a reply form answers, what became of a
posted comment), with a number as value, are kept, in the key and in the request; every
other one (``?utm_source=…``) is removed before the request goes on, so no page can
depend on it and ``?utm=1…N`` is one page rendered once, not N pages pushing the pages a
wave reads out of the cache. A request with an old-address parameter
(``OLD_ADDRESS_PARAMETERS``, ``/?p=7``, ``/?q=node/7``) is left alone, neither served from
nor stored in the cache: the old-address middleware answers it.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.http import http_date
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]  # no hints

from nashr.core.changes import Changes
from nashr.core.mirror_mode import mirror_mode

GENERATION_KEY = "nashr:public-pages:generation"
PAGE_KEY_PREFIX = "nashr:page:"
# Sections under /fa/ and /en/ that are never cached (see the module's docstring).
UNCACHED_SECTIONS = frozenset({"admin", "search", "subscribe"})
# Outside the language prefixes, answered by their query string and Accept header
# (WebFinger, ActivityPub): not pages, never stored.
UNCACHED_PREFIXES = ("/.well-known/", "/ap/")
# Headers a stored page may vary on: the key holds everything else a page depends on.
HARMLESS_VARY = frozenset({"accept-encoding"})
CACHE_STATUS_HEADER = "X-Nashr-Cache"
# The query parameters public pages read, by these names (see the module's docstring).
LIST_PAGE_PARAMETER = "page"  # the page of a list (publications)
REPLY_PARAMETER = "reply"  # the comment a reply form answers (comments)
# What became of a comment, on the page a post redirects to (comments): held=1, or
# shown=<its id>, and mailed=1 when a confirmation link was mailed.
POSTED_PARAMETERS = ("held", "shown", "mailed")
PAGE_PARAMETERS = frozenset({LIST_PAGE_PARAMETER, REPLY_PARAMETER, *POSTED_PARAMETERS})
# The parameters by which WordPress finds a post or a page without its permalink, and
# Drupal any page without clean URLs (``/?q=node/7``) (publications.old_addresses): read
# before any page, by the old-address middleware.
WORDPRESS_QUERY_PARAMETERS = ("p", "page_id")
DRUPAL_PATH_PARAMETER = "q"
OLD_ADDRESS_PARAMETERS = (*WORDPRESS_QUERY_PARAMETERS, DRUPAL_PATH_PARAMETER)
# Both are numbers (a page, a comment's id): longer ones are no page of the site.
_LONGEST_NUMBER = 18


class StaticFilesMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]  # untyped base
    """WhiteNoise, with hashed files kept for one year (its own default is ten).

    One year is the longest lifetime HTTP/1.1 caches were ever asked to honour.
    """

    FOREVER = 365 * 24 * 60 * 60


# -- the generation -----------------------------------------------------------------------


def _new_generation(previous: str | None) -> str:
    """A generation never used before, its second later than ``previous``'s.

    Strictly later, so that a client holding a page's Last-Modified from the previous
    generation, made within the same second, is not told its copy is still good.
    """
    second = int(time.time())
    if previous is not None:
        second = max(second, generation_second(previous) + 1)
    return f"{second}.{secrets.token_hex(6)}"


def generation_second(generation: str) -> int:
    """The second (Unix time) a generation started: the pages' Last-Modified."""
    try:
        return int(generation.partition(".")[0])
    except ValueError:
        return 0


def public_generation() -> str:
    """The current generation of public pages."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # add() does nothing if another process set it meanwhile.
        cache.add(GENERATION_KEY, _new_generation(None), timeout=None)
        value = cache.get(GENERATION_KEY)
    return str(value)


def _bump() -> None:
    cache.set(GENERATION_KEY, _new_generation(cache.get(GENERATION_KEY)), timeout=None)


def public_pages_changed(changes: Changes) -> None:
    """Every cached public page is stale: the change feed's handler, after the commit.

    The feed calls it once per committed transaction that changed anything readers see,
    so an import of a thousand publications still replaces the generation once.
    """
    _bump()


# -- the page cache -----------------------------------------------------------------------


def _cacheable_request(request: HttpRequest) -> bool:
    if not settings.NASHR_PAGE_CACHE or mirror_mode(request):
        # A page rendered for the static mirror differs from the reader's (core.mirror_mode).
        return False
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        # A staff member's request: never served from the cache, never stored.
        return False
    if request.path.startswith(UNCACHED_PREFIXES):
        return False
    parts = request.path.split("/", 3)
    if len(parts) > 2 and parts[2] in UNCACHED_SECTIONS:
        return False
    # Most readers' requests have no query string: not parsed for them (the hot path).
    if not request.META.get("QUERY_STRING"):
        return True
    return not any(name in request.GET for name in OLD_ADDRESS_PARAMETERS)


def page_query(query: QueryDict) -> str:
    """The query string of the page a request asks for: its ``PAGE_PARAMETERS`` whose value
    (the last given, as views read it) is a number, in one order."""
    kept = []
    for name in sorted(PAGE_PARAMETERS):
        value = query.get(name)
        if value and value.isascii() and value.isdigit() and len(value) <= _LONGEST_NUMBER:
            kept.append(f"{name}={value}")
    return "&".join(kept)


def _keep_page_parameters(request: HttpRequest) -> None:
    """Remove from the request every parameter its page does not read (``page_query``)."""
    if not request.META.get("QUERY_STRING"):
        return
    query = page_query(request.GET)
    if query != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)


def _storable(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = {
        directive.strip().split("=", 1)[0].lower()
        for directive in cc_delim_re.split(response.headers.get("Cache-Control", ""))
    }
    if control & {"private", "no-cache", "no-store"}:
        return False
    vary = {
        header.strip().lower()
        for header in cc_delim_re.split(response.headers.get("Vary", ""))
        if header.strip()
    }
    return vary <= HARMLESS_VARY


def page_key(request: HttpRequest, generation: str) -> str:
    """The cache key of a page: generation, scheme, host, path and query string."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{PAGE_KEY_PREFIX}{generation}:{digest}"


def _public_headers(response: HttpResponse, *, etag: str, last_modified: int) -> None:
    shared = settings.NASHR_PUBLIC_MAX_AGE
    response.headers["Cache-Control"] = (
        f"public, max-age=0, s-maxage={shared}" if shared > 0 else "public, no-cache"
    )
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)


class PublicPageCacheMiddleware:
    """Public pages from the cache (see the module's docstring), with ETag and 304s."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _cacheable_request(request):
            return self.get_response(request)
        _keep_page_parameters(request)
        # Read before rendering: see the module's docstring.
        generation = public_generation()
        key = page_key(request, generation)
        stored: dict[str, Any] | None = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored["content"], status=stored["status"])
            for name, value in stored["headers"]:
                response.headers[name] = value
            response.headers[CACHE_STATUS_HEADER] = "hit"
            return self._conditional(request, response, stored)
        answer = self.get_response(request)
        if not isinstance(answer, HttpResponse) or not _storable(answer):
            return answer
        etag = '"' + hashlib.sha256(answer.content).hexdigest()[:32] + '"'
        stored = {
            "status": answer.status_code,
            "content": answer.content,
            "etag": etag,
            "last_modified": generation_second(generation),
        }
        _public_headers(answer, etag=etag, last_modified=stored["last_modified"])
        stored["headers"] = list(answer.headers.items())
        cache.set(key, stored, timeout=settings.NASHR_PAGE_CACHE_SECONDS)
        answer.headers[CACHE_STATUS_HEADER] = "miss"
        return self._conditional(request, answer, stored)

    @staticmethod
    def _conditional(
        request: HttpRequest, response: HttpResponse, stored: dict[str, Any]
    ) -> HttpResponseBase:
        """A 304 Not Modified when the client's copy (If-None-Match, If-Modified-Since) holds."""
        answer = get_conditional_response(
            request,
            etag=stored["etag"],
            last_modified=stored["last_modified"],
            response=response,
        )
        if answer is None:  # only without a response to return
            return response
        if answer is not response:
            answer.headers[CACHE_STATUS_HEADER] = response.headers[CACHE_STATUS_HEADER]
        return answer
