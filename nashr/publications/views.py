"""Public pages: latest, per kind, one publication, the archive by month."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import override

from nashr.core import calendars
from nashr.core.exceptions import ValidationError
from nashr.core.languages import current_language
from nashr.core.pagecache import LIST_PAGE_PARAMETER
from nashr.publications import selectors
from nashr.publications.models import Publication

PAGE_SIZE = 20
HOME_SIZE = 12


def _in_language(language: str, name: str, **kwargs: object) -> str:
    with override(language):
        return reverse(name, kwargs=kwargs)


def home(request: HttpRequest) -> HttpResponse:
    latest = selectors.publication_for_language(language=current_language())[:HOME_SIZE]
    return render(request, "publications/home.html", {"publications": latest})


def kind_list(request: HttpRequest, kind: str) -> HttpResponse:
    kind_obj = selectors.kind_by_slug(slug=kind)
    if kind_obj is None:
        raise Http404
    listed = selectors.kind_listing(kind=kind_obj, language=current_language())
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get(LIST_PAGE_PARAMETER))
    return render(request, "publications/kind.html", {"kind": kind_obj, "page": page})


def detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One publication, read in the interface language of the address.

    A Persian statement without an English version can be read from the English site:
    the interface stays English, the statement keeps its own language and direction.
    When a version in the interface language exists, that is the page to read.
    """
    publication = selectors.publication_detail(pk=pk)
    if publication is None:
        raise Http404
    versions = selectors.publication_versions(publication=publication)
    language = current_language()
    by_language: dict[str, Publication] = {v.language: v for v in versions}
    by_language[publication.language] = publication
    if publication.language != language and language in by_language:
        return HttpResponseRedirect(by_language[language].get_absolute_url())
    here = _in_language(language, "publications:detail", pk=pk, slug=publication.slug or "-")
    if slug != (publication.slug or "-"):
        # Old or mistyped slugs still reach the page, at its one address.
        return HttpResponsePermanentRedirect(here)
    alternates = {
        code: (
            by_language[code].get_absolute_url()
            if code in by_language
            else _in_language(code, "publications:home")
        )
        for code, _name in settings.LANGUAGES
    }
    return render(
        request,
        "publications/detail.html",
        {
            "publication": publication,
            "versions": versions,
            "is_foreign": publication.language != language,
            "alternates": alternates,
        },
    )


def archive(request: HttpRequest) -> HttpResponse:
    years = selectors.archive_years(language=current_language())
    return render(request, "publications/archive.html", {"years": years})


def archive_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """A month of the interface language's calendar; a month with nothing in it is 404."""
    language = current_language()
    # A year no archive can hold is not looked up: the date libraries answer a year like
    # 99999999999 with OverflowError or ValueError, depending on the calendar.
    if not calendars.is_plausible_year(year, calendars.calendar_of(language)):
        raise Http404
    try:
        publications = list(selectors.archive_month(language=language, year=year, month=month))
    except (ValidationError, ValueError) as exc:
        raise Http404 from exc
    if not publications:
        raise Http404
    months = [(m.year, m.month) for m in selectors.archive_months(language=language)]
    position = months.index((year, month))
    newer = months[position - 1] if position > 0 else None
    older = months[position + 1] if position + 1 < len(months) else None
    alternates = {
        code: _in_language(code, "publications:archive") for code, _name in settings.LANGUAGES
    }
    alternates[language] = request.path
    return render(
        request,
        "publications/archive_month.html",
        {
            "publications": publications,
            "year": year,
            "month_label": calendars.format_month(year, month, language),
            "newer": newer,
            "older": older,
            "alternates": alternates,
        },
    )
