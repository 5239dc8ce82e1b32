"""Mirror mode: a public page rendered as a file of the static mirror, not for a reader.

The static mirror (``nashr.mirror``) renders the site's own pages through their views,
with a request marked by ``mirror_environ(forms=...)``. Pages read the mark with
``mirror_mode(request)`` (templates: ``{{ mirror_mode }}``, from the mirror's context
processor): a page in mirror mode links the forms that need the server (subscribe,
comments) to the site ("primary") or replaces them with a note ("note"), and the page
cache neither serves nor keeps it. A reader's request is never in mirror mode: the mark is
a WSGI environ key, which no HTTP header can set (headers arrive as ``HTTP_*`` keys).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

MIRROR_ENVIRON_KEY = "nashr.mirror"
MIRROR_FORMS = ("primary", "note")


def mirror_environ(*, forms: str) -> dict[str, Any]:
    """The WSGI environ entries that put a request in mirror mode (for a RequestFactory or a
    test Client); `forms` is one of MIRROR_FORMS (NASHR_MIRROR_FORMS)."""
    if forms not in MIRROR_FORMS:
        raise ValueError(f"mirror forms must be one of {MIRROR_FORMS}, not {forms!r}")
    return {MIRROR_ENVIRON_KEY: forms}


def mirror_mode(request: HttpRequest | None) -> str:
    """ "" for a reader's request; "primary" or "note" for a page rendered for the mirror."""
    if request is None:
        return ""
    return str(request.META.get(MIRROR_ENVIRON_KEY, ""))
