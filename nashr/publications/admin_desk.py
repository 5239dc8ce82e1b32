"""The editors' desk in the publication admin: revisions and the publishing time.

``DeskAdminMixin`` adds to the publication admin the history of a publication's text
(its revisions, the diff of two, a restore) and the field that schedules it. The diff is
shown in the publication's language and direction (right to left for Persian), whatever
the admin's. A translation links to the diff of its original since the revision it was
made from. The publishing time is typed in the admin's calendar (Jalali in Persian) and
the site's time zone; the schedule service stores it in UTC and queues the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nashr.core import calendars
from nashr.core.exceptions import ApplicationError
from nashr.core.forms import admin_datetime_field
from nashr.core.languages import current_language
from nashr.publications import services
from nashr.publications.models import Publication
from nashr.publications.revisions import revisions_diff

FIELD_LABELS = {"title": _("title"), "summary": _("summary"), "body": _("body (Markdown)")}


def revisions_url(publication: Publication, *, since: int | None = None) -> str:
    """The revisions page; with `since`, the diff from that revision to the current one."""
    url = reverse("admin:publications_publication_revisions", args=[publication.pk])
    if since is not None and since < publication.revision:
        url += "?" + urlencode({"from": since, "to": publication.revision})
    return url


def _number(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else default


def revisions_view(
    request: HttpRequest, object_id: int, *, model_admin: admin.ModelAdmin[Any]
) -> HttpResponse:
    """The list of revisions and the diff of two (by default the last two)."""
    publication = Publication.objects.filter(pk=object_id).first()
    if publication is None:
        raise Http404
    if not model_admin.has_view_or_change_permission(request, publication):
        raise PermissionDenied
    revisions = list(publication.revisions.select_related("author"))
    by_number = {revision.number: revision for revision in revisions}
    newest = revisions[0].number if revisions else publication.revision
    to = _number(request, "to", newest)
    older = [r.number for r in revisions if r.number < to]
    start = _number(request, "from", older[0] if older else to)
    old, new = by_number.get(start), by_number.get(to)
    language = current_language()
    rows = [
        {
            "revision": revision,
            "when": calendars.format_datetime(revision.created_at, language),
            "who": revision.author.get_username() if revision.author else revision.actor_label,
            "changed": calendars.format_list(
                [str(FIELD_LABELS.get(f, f)) for f in revision.changed], language
            ),
            "restore_url": reverse(
                "admin:publications_publication_revision_restore",
                args=[publication.pk, revision.number],
            ),
        }
        for revision in revisions
    ]
    diff = []
    if old is not None and new is not None and old.number != new.number:
        diff = [
            {"label": FIELD_LABELS[d.field], "html": d.html, "changed": d.changed}
            for d in revisions_diff(old, new)
        ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Revisions"),
        "media": model_admin.media,
        "publication": publication,
        "rows": rows,
        "old": old,
        "new": new,
        "diff": diff,
        "can_restore": model_admin.has_change_permission(request, publication),
        "current": publication.revision,
    }
    return TemplateResponse(request, "admin/publications/publication/revisions.html", context)


@require_POST
def restore_view(
    request: HttpRequest, object_id: int, number: int, *, model_admin: admin.ModelAdmin[Any]
) -> HttpResponse:
    """Bring back a revision's text as a new revision."""
    publication = Publication.objects.filter(pk=object_id).first()
    if publication is None:
        raise Http404
    if not model_admin.has_change_permission(request, publication):
        raise PermissionDenied
    try:
        services.publication_restore(actor=request.user, publication=publication, number=number)
    except ApplicationError as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
    else:
        model_admin.message_user(
            request,
            _("Revision %(number)s restored as revision %(new)s.")
            % {"number": number, "new": publication.revision},
            messages.SUCCESS,
        )
    return HttpResponseRedirect(revisions_url(publication))


PUBLISH_AT_HELP = _(
    "Leave the status a draft: the publication is published at this time (the site's time "
    "zone). Empty: no scheduled publishing."
)


class DeskAdminMixin:
    """Mounts the revisions pages, links them from the change form, adds `publish_at`."""

    def desk_schedule_field(self, request: HttpRequest) -> Any:
        return admin_datetime_field(
            label=_("scheduled publishing time"), required=False, help_text=PUBLISH_AT_HELP
        )

    def desk_save_schedule(self, request: HttpRequest, publication: Publication, form: Any) -> None:
        """Schedule (or unschedule) when the field changed."""
        if "publish_at" in form.fields and "publish_at" in form.changed_data:
            services.publication_schedule(
                actor=request.user,
                publication=publication,
                publish_at=form.cleaned_data.get("publish_at"),
            )

    def desk_urls(self) -> list[URLPattern]:
        model_admin: Any = self

        def view(function: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            wrapped = partial(function, model_admin=model_admin)
            return model_admin.admin_site.admin_view(wrapped)  # type: ignore[no-any-return]

        return [
            path(
                "<int:object_id>/revisions/",
                view(revisions_view),
                name="publications_publication_revisions",
            ),
            path(
                "<int:object_id>/revisions/<int:number>/restore/",
                view(restore_view),
                name="publications_publication_revision_restore",
            ),
        ]

    def desk_context(self, obj: Publication | None) -> dict[str, Any]:
        if obj is None:
            return {}
        context: dict[str, Any] = {"revisions_url": revisions_url(obj)}
        original = obj.translation_of
        if original is not None and obj.source_revision is not None:
            context["original_changes_url"] = revisions_url(original, since=obj.source_revision)
            context["source_revision"] = obj.source_revision
        return context
