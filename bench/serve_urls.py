"""The site's addresses plus /hello/: the least a Django view can cost through the server."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as site


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [path("hello/", hello), *site]
