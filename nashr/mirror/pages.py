"""The site's pages as the mirror renders them: each address' own view, in mirror mode.

A reader's request passes through the middleware (sessions, CSRF, the page cache, the
security headers); none of it changes what a public page says, and it cost a third of a
page's time. The mirror resolves each address and calls its view, in the address'
language, with a request in mirror mode (``core.mirror_mode``): the page is the one a
request through the whole stack gets, byte for byte.

What the pages read is loaded once for the whole build and answered by the selectors
they call (``core.preload``): the publications with their versions and each language's
lists (``publications.selectors.PublicationPreload``), their comments
(``comments.selectors.CommentPreload``), and the footer's subscribe form
(``subscribers.selectors.SubscribeFormPreload``). Render inside ``Pages.preloaded()``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseBadRequest, HttpResponseBase, HttpResponseNotFound
from django.test import RequestFactory
from django.urls import resolve
from django.utils.translation import override

from nashr.comments.selectors import CommentPreload
from nashr.core.mirror_mode import mirror_environ
from nashr.core.preload import preloaded
from nashr.publications.selectors import PublicationPreload
from nashr.subscribers.selectors import SubscribeFormPreload


class Pages:
    """Renders the mirror's addresses; ``preload_publications`` first for the pages
    rendered in bulk, and render inside ``preloaded()``.

    `whole_lists`: most pages will be rendered (a full build), see ``PublicationPreload``.
    """

    def __init__(self, *, forms: str, whole_lists: bool) -> None:
        parts = urlsplit(settings.NASHR_SITE_URL)
        # Every request of the build is in mirror mode, for the site's host.
        self.environ: dict[str, Any] = {
            "SERVER_NAME": parts.hostname or "localhost",
            "HTTP_HOST": parts.netloc or "localhost",
            **mirror_environ(forms=forms),
        }
        self.forms = forms
        self.secure = parts.scheme == "https"
        self.factory = RequestFactory(**self.environ)
        self.languages = [code for code, _name in settings.LANGUAGES]
        self.publications = PublicationPreload(whole_lists=whole_lists)
        self.comments = CommentPreload(publication_ids=())
        self.subscribe_form = SubscribeFormPreload()

    def preload_publications(self, pks: Collection[int] | None) -> None:
        """The publications `pks` (all published ones if None), their versions and comments."""
        self.publications.load_publications(pks)
        loaded = None if pks is None else list(self.publications.publications)
        self.comments = CommentPreload(publication_ids=loaded)

    @contextmanager
    def preloaded(self) -> Iterator[None]:
        """The selectors answer from what this build loaded (``core.preload``)."""
        with preloaded(self.publications, self.comments, self.subscribe_form):
            yield

    def language_of(self, address: str) -> str:
        """The language an address is rendered in (its prefix, else the default)."""
        path = urlsplit(address).path
        first = path.split("/")[1] if path.count("/") > 1 else ""
        return first if first in self.languages else settings.LANGUAGE_CODE

    def get(self, address: str) -> HttpResponseBase:
        """The view's answer to `address` (404 when no view answers or it raises Http404,
        400 when it refuses the address as Django's handler would), a template response
        not rendered yet (see ``content``)."""
        language = self.language_of(address)
        request = self.factory.get(address, secure=self.secure)
        request.user = AnonymousUser()
        with override(language):
            request.LANGUAGE_CODE = language
            try:
                match = resolve(request.path_info)
                request.resolver_match = match
                response: HttpResponseBase = match.func(request, *match.args, **match.kwargs)
            except Http404:  # Resolver404 too
                return HttpResponseNotFound()
            except SuspiciousOperation:
                return HttpResponseBadRequest()
        return response

    def content(self, address: str, response: HttpResponseBase) -> bytes:
        """The body of the answer to `address`, rendered in the address' language."""
        render = getattr(response, "render", None)
        if callable(render) and not getattr(response, "is_rendered", True):
            with override(self.language_of(address)):
                response = render()
        if response.streaming:
            return b"".join(response.streaming_content)  # type: ignore[attr-defined]  # FileResponse
        body: bytes = response.content  # type: ignore[attr-defined]  # HttpResponse
        return body
