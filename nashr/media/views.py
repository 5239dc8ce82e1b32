"""Uploaded files served by the site itself (no other host learns who reads what).

Names are made from the content, so a file never changes under its name: it is cached
for a year. The files were cleaned at upload; `nosniff` and a sandboxing CSP make sure a
browser still treats one only as the image or PDF it is.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}


@require_safe
def media_file(request: HttpRequest, path: str) -> FileResponse:
    parts = path.split("/")
    extension = path.rsplit(".", 1)[-1] if "." in path else ""
    if parts[0] != "uploads" or ".." in parts or extension not in TYPES:
        raise Http404
    if not default_storage.exists(path):
        raise Http404
    response = FileResponse(default_storage.open(path, "rb"), content_type=TYPES[extension])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
