"""Old addresses (``/node/10158``, ``/?p=7``, an old permalink) answer 301 to the new page.

A removed one answers 410; one whose publication is not published answers 404, as does
any unknown address (``old_addresses`` decides the answer).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
)
from django.template import loader

from nashr.publications.old_addresses import OldAnswer, old_address_answer, query_address


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
