"""The editorial admin's own pages: a publication's preview, the translation dashboard.

``PublicationAdmin.get_urls`` mounts them; each takes the model admin it belongs to for
its permissions and the admin's page context.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from nashr.core import calendars
from nashr.core.languages import codes, current_language, language_name
from nashr.publications import selectors
from nashr.publications.models import Publication


def _context(
    request: HttpRequest, model_admin: admin.ModelAdmin[Any], title: str | Promise
) -> dict[str, Any]:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "media": model_admin.media,
    }


def publication_preview(
    request: HttpRequest, object_id: int, *, model_admin: admin.ModelAdmin[Any]
) -> HttpResponse:
    """The body rendered as readers will see it, in the publication's language."""
    publication = (
        Publication.objects.select_related("kind", "signatory").filter(pk=object_id).first()
    )
    if publication is None:
        raise Http404
    if not model_admin.has_view_or_change_permission(request, publication):
        raise PermissionDenied
    context = {
        **_context(request, model_admin, _("Preview")),
        "publication": publication,
        "date_text": calendars.format_date(publication.shown_date(), publication.language),
        "scheduled_text": (
            calendars.format_datetime(publication.publish_at, current_language())
            if publication.is_scheduled
            else ""
        ),
    }
    return TemplateResponse(request, "admin/publications/publication/preview.html", context)


def translation_dashboard(
    request: HttpRequest, *, model_admin: admin.ModelAdmin[Any]
) -> HttpResponse:
    """Originals without a translation into a language, and outdated translations."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    language = current_language()
    add_url = reverse("admin:publications_publication_add")
    missing: list[dict[str, Any]] = []
    outdated: list[dict[str, Any]] = []
    for gap in selectors.translation_gaps():
        if gap.translation is None:
            query = urlencode({"translation_of": str(gap.original.pk), "language": gap.language})
            fix_url = f"{add_url}?{query}"
        else:
            fix_url = reverse("admin:publications_publication_change", args=[gap.translation.pk])
        (missing if gap.translation is None else outdated).append(
            {
                "gap": gap,
                "language_name": language_name(gap.language),
                "date_text": calendars.format_date(gap.original.date, language),
                "original_url": reverse(
                    "admin:publications_publication_change", args=[gap.original.pk]
                ),
                "fix_url": fix_url,
            }
        )
    context = {
        **_context(request, model_admin, _("Translation dashboard")),
        "missing": missing,
        "outdated": outdated,
    }
    return TemplateResponse(request, "admin/publications/translation_dashboard.html", context)


def translation_panel(
    request: HttpRequest, publication: Publication | None, original: Publication | None
) -> dict[str, Any]:
    """What the change form shows about translation: for an original, its translations
    and a link to add each missing language; for a translation (or one being added), the
    original's text to work from, in its own language and direction."""
    add_url = reverse("admin:publications_publication_add")
    if publication is not None and publication.translation_of_id is None:
        have = {t.language: t for t in publication.translations.all()}
        return {
            "translations": [
                {
                    "publication": t,
                    "language_name": language_name(t.language),
                    "url": reverse("admin:publications_publication_change", args=[t.pk]),
                }
                for t in have.values()
            ],
            "missing": [
                {
                    "language_name": language_name(code),
                    "url": f"{add_url}?"
                    + urlencode({"translation_of": str(publication.pk), "language": code}),
                }
                for code in codes()
                if code != publication.language and code not in have
            ],
        }
    if original is None:
        return {}
    return {
        "source": original,
        "source_url": reverse("admin:publications_publication_change", args=[original.pk]),
    }
