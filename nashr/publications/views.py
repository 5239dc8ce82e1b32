from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from nashr.core.exceptions import ValidationError
from nashr.publications import selectors
from nashr.publications.models import Kind

PAGE_SIZE = 20


def _language() -> str:
    return (get_language() or "fa").split("-")[0]


def home(request: HttpRequest) -> HttpResponse:
    language = _language()
    latest = selectors.publication_for_language(language=language)[:12]
    return render(
        request,
        "publications/home.html",
        {"publications": latest, "kinds": Kind.objects.all()},
    )


def kind_list(request: HttpRequest, kind: str) -> HttpResponse:
    kind_obj = get_object_or_404(Kind, slug=kind)
    language = _language()
    qs = selectors.publication_for_language(language=language).filter(kind=kind_obj)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publications/kind.html", {"kind": kind_obj, "page": page})


def detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    publication = selectors.publication_detail(pk=pk)
    if publication is None:
        raise Http404
    if slug != (publication.slug or "-"):
        # Old or mistyped slugs still reach the page, at its one address.
        return HttpResponsePermanentRedirect(publication.get_absolute_url())
    versions = selectors.publication_versions(publication=publication)
    return render(
        request,
        "publications/detail.html",
        {"publication": publication, "versions": versions},
    )


def archive(request: HttpRequest) -> HttpResponse:
    months = selectors.archive_months(language=_language())
    return render(request, "publications/archive.html", {"months": months})


def archive_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    language = _language()
    try:
        publications = selectors.archive_month(language=language, year=year, month=month)
    except (ValidationError, ValueError) as exc:
        raise Http404 from exc
    from nashr.core.calendars import format_month

    return render(
        request,
        "publications/archive_month.html",
        {
            "publications": publications,
            "month_label": format_month(year, month, language),
        },
    )
