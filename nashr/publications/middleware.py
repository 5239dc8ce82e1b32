"""Old addresses (such as /node/10158) answer 301 to the publication's page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from nashr.publications.models import Publication, Status


class LegacyPathRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No stored path holds a NUL (PostgreSQL's text cannot), and looking one up there
        # would be a server error instead of the 404.
        if response.status_code != 404 or "\x00" in request.path:
            return response
        publication = (
            Publication.objects.filter(legacy_path=request.path, status=Status.PUBLISHED)
            .only("pk", "slug", "language")
            .first()
        )
        if publication is None:
            return response
        return HttpResponsePermanentRedirect(publication.get_absolute_url())
