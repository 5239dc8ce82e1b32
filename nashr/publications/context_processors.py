from __future__ import annotations

from django.http import HttpRequest

from nashr.publications.models import Kind


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_kinds": Kind.objects.all()}
