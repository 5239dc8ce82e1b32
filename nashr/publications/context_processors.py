from __future__ import annotations

from django.http import HttpRequest

from nashr.publications import selectors


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_kinds": selectors.navigation_kinds()}
