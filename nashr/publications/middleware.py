"""Old addresses (``/node/10158``, ``/?p=7``, an old permalink) answer 301 to the new page.

A removed one answers 410; one whose publication is not published answers 404, as does
any unknown address (``old_addresses`` decides the answer). An unknown address with
repeated slashes (``//greek/2019/05/…/``, as WordPress wrote some of its own links)
answers 301 to the address with each run of slashes made one, where the old address is
then found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
)
from django.template import loader
from django.utils.encoding import escape_uri_path

from nashr.publications.old_addresses import OldAnswer, old_address_answer, query_address

_SLASHES = re.compile(r"//+")


def collapsed_address(request: HttpRequest) -> str | None:
    """The request's address with each run of slashes made one; None if it has none.

    Percent-encoded again (a backslash too, which a browser would read as a slash), so
    that the Location never starts with "//" or "/\\" and names another host.
    """
    collapsed = _SLASHES.sub("/", request.path)
    if collapsed == request.path:
        return None
    query = request.META.get("QUERY_STRING", "")
    return escape_uri_path(collapsed) + (f"?{query}" if query else "")


class LegacyPathRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # `/?p=7` reaches a page of this site (the root's language redirect), never a 404.
        # An unpublished one is left to the site (the language redirect takes it to the
        # home page), as an unknown query is.
        query = query_address(request.path, request.GET) if request.GET else None
        answer = old_address_answer(query) if query is not None else None
        if answer is not None and answer.status != 404:
            return self.answer(request, answer)
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        collapsed = collapsed_address(request)
        if collapsed is not None:
            return HttpResponsePermanentRedirect(collapsed)
        answer = old_address_answer(request.path)
        if answer is None or answer.status == 404:
            return response
        return self.answer(request, answer)

    def answer(self, request: HttpRequest, answer: OldAnswer) -> HttpResponse:
        if answer.status == 301:
            return HttpResponsePermanentRedirect(answer.location)
        template = "410.html" if answer.status == 410 else "404.html"
        body = loader.render_to_string(template, request=request)
        if answer.status == 410:
            return HttpResponse(body, status=410)
        return HttpResponseNotFound(body)
