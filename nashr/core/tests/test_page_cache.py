"""The public page cache in one process: what it stores, for whom, and when it is stale."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from config.settings.base import cache_from_url
from nashr.core import pagecache
from nashr.core.changes import Topic, announce
from nashr.core.pagecache import (
    CACHE_STATUS_HEADER,
    PublicPageCacheMiddleware,
    generation_second,
    public_generation,
)
from nashr.publications.models import Publication


@pytest.fixture(autouse=True)
def page_cache_on(settings: Any) -> None:
    settings.NASHR_PAGE_CACHE = True
    cache.clear()


def _status(response: Any) -> str | None:
    return response.headers.get(CACHE_STATUS_HEADER)


def test_staff_requests_are_neither_served_nor_stored(
    client: Client, make_publication: Callable[..., Publication]
) -> None:
    """A request with a session cookie renders the page itself and leaves nothing for readers."""
    make_publication()
    client.cookies["sessionid"] = "staff-session"
    assert _status(client.get("/fa/")) is None
    assert _status(client.get("/fa/")) is None
    reader = Client()
    assert _status(reader.get("/fa/")) == "miss"
    assert _status(reader.get("/fa/")) == "hit"


def test_languages_are_cached_apart(make_publication: Callable[..., Publication]) -> None:
    """The English home page is never the Persian one served from the cache."""
    make_publication()
    reader = Client()
    persian = reader.get("/fa/")
    english = reader.get("/en/")
    assert _status(english) == "miss"
    assert persian.headers["Content-Language"] == "fa"
    assert english.headers["Content-Language"] == "en"
    assert 'lang="en"' in english.content.decode()[:200]


def test_cached_pages_set_no_cookie(make_publication: Callable[..., Publication]) -> None:
    """Neither the rendered nor the cached answer sets a cookie."""
    publication = make_publication()
    reader = Client()
    for _attempt in range(2):
        assert not reader.get(publication.get_absolute_url()).cookies


def _middleware(response: HttpResponse) -> tuple[PublicPageCacheMiddleware, list[int]]:
    calls: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return response

    return PublicPageCacheMiddleware(view), calls


@pytest.mark.parametrize(
    "mark",
    [
        lambda r: r.set_cookie("csrftoken", "x"),
        lambda r: r.headers.__setitem__("Vary", "Cookie"),
        lambda r: r.headers.__setitem__("Cache-Control", "private"),
    ],
    ids=["set-cookie", "vary-cookie", "private"],
)
def test_answers_for_one_visitor_are_not_stored(
    db: None, mark: Callable[[HttpResponse], Any]
) -> None:
    """A page that sets a cookie, varies on cookies or is private is rendered every time."""
    response = HttpResponse("form")
    mark(response)
    middleware, calls = _middleware(response)
    for _attempt in range(2):
        middleware(RequestFactory().get("/fa/p/1/x/"))
    assert len(calls) == 2


def test_search_is_not_cached(db: None) -> None:
    """Search results are rendered for every query, never stored."""
    middleware, calls = _middleware(HttpResponse("results"))
    for _attempt in range(2):
        middleware(RequestFactory().get("/fa/search/?q=x"))
    assert len(calls) == 2


def test_a_change_replaces_the_generation_once_per_transaction(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Many changes in one transaction replace the generation once, after the commit."""
    before = public_generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        for change in range(5):
            announce(Topic.KINDS, [change + 1])
    assert public_generation() == before
    callbacks[0]()
    after = public_generation()
    assert after != before
    for callback in callbacks:
        callback()
    assert public_generation() == after


def test_each_generation_is_a_later_second(db: None) -> None:
    """Generations made within one second still have increasing Last-Modified seconds."""
    seconds = [generation_second(public_generation())]
    for _change in range(3):
        pagecache._bump()
        seconds.append(generation_second(public_generation()))
    assert seconds == sorted(set(seconds))


def test_cache_url() -> None:
    """CACHE_URL chooses Redis, files or memory, and refuses anything else."""
    redis = cache_from_url("redis://127.0.0.1:6379/0", default_directory=Path("/unused"))
    assert str(redis["BACKEND"]).endswith("RedisCache")
    assert (
        cache_from_url("file:///tmp/x", default_directory=Path("/unused"))["LOCATION"] == "/tmp/x"
    )
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://x", default_directory=Path("/unused"))


@pytest.mark.parametrize(
    ("host", "backend"),
    [("", "console.EmailBackend"), ("mail.example.org", "smtp.EmailBackend")],
)
def test_development_mail_goes_over_smtp_when_a_host_is_set(host: str, backend: str) -> None:
    """In development, EMAIL_HOST set means SMTP; unset, the console."""
    env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_BACKEND", "EMAIL_HOST"}}
    if host:
        env["EMAIL_HOST"] = host
    done = subprocess.run(
        [sys.executable, "-c", "import config.settings.dev as s; print(s.EMAIL_BACKEND)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith(backend)
