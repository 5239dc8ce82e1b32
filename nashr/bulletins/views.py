"""The public archive of bulletins: series, the list of a series' issues, one issue, and
its PDF."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import override

from nashr.bulletins import selectors
from nashr.bulletins.models import Bulletin
from nashr.bulletins.rendering import bulletin_pdf
from nashr.core.languages import current_language


def _alternates(request: HttpRequest) -> dict[str, str]:
    """The language switch of a series' or an issue's page: the other languages' lists.

    The page itself under another prefix redirects back to its own language.
    """
    alternates = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            alternates[code] = reverse("bulletins:index")
    alternates[current_language()] = request.path
    return alternates


def index(request: HttpRequest) -> HttpResponse:
    # `published` is the count that the selector annotates each series with.
    series_list = [s for s in selectors.series_list() if getattr(s, "published", 0)]
    return render(request, "bulletins/index.html", {"series_list": series_list})


def series_detail(request: HttpRequest, series: str) -> HttpResponse:
    series_obj = selectors.series_get(slug=series)
    if series_obj is None:
        raise Http404
    if series_obj.language != current_language():
        # An issue is read in its own language: one address per page.
        return HttpResponsePermanentRedirect(series_obj.get_absolute_url())
    issues = [
        (bulletin, selectors.bulletin_document(bulletin=bulletin))
        for bulletin in selectors.bulletin_list(series=series_obj)
    ]
    return render(
        request,
        "bulletins/series.html",
        {"series": series_obj, "issues": issues, "alternates": _alternates(request)},
    )


def detail(request: HttpRequest, series: str, number: int) -> HttpResponse:
    bulletin = selectors.bulletin_published(series_slug=series, number=number)
    if bulletin is None:
        raise Http404
    if bulletin.series.language != current_language():
        return HttpResponsePermanentRedirect(bulletin.get_absolute_url())
    return render_issue(request, bulletin=bulletin)


def pdf(request: HttpRequest, series: str, number: int) -> HttpResponse:
    """The issue's PDF, the same file the mirror writes beside its page.

    Rendered from the frozen document like the page, and kept like the page by the public
    page cache (core.pagecache) until something readers see changes.
    """
    bulletin = selectors.bulletin_published(series_slug=series, number=number)
    if bulletin is None:
        raise Http404
    if bulletin.series.language != current_language():
        return HttpResponsePermanentRedirect(bulletin.get_pdf_url())
    response = HttpResponse(bulletin_pdf(bulletin=bulletin), content_type="application/pdf")
    name = f"{bulletin.series.slug}-{bulletin.number}.pdf"
    # Shown in the browser, saved under the series' name and the number.
    disposition = content_disposition_header(as_attachment=False, filename=name)
    response.headers["Content-Disposition"] = disposition or "inline"
    return response


def render_issue(request: HttpRequest, *, bulletin: Bulletin) -> HttpResponse:
    """The archive page of an issue; for a draft, its preview (used by the admin)."""
    document = selectors.bulletin_document(bulletin=bulletin)
    previous = next_ = None
    if bulletin.is_published:
        neighbours = selectors.bulletin_list(series=bulletin.series)
        previous = neighbours.filter(number__lt=bulletin.number).order_by("-number").first()
        next_ = neighbours.filter(number__gt=bulletin.number).order_by("number").first()
    return render(
        request,
        "bulletins/detail.html",
        {
            "doc": document,
            "is_preview": not bulletin.is_published,
            "previous": previous,
            "next": next_,
            "series_url": bulletin.series.get_absolute_url(),
            "pdf_url": bulletin.get_pdf_url() if bulletin.is_published else "",
            "feed_url": reverse("bulletins:feed", kwargs={"series": bulletin.series.slug}),
            "alternates": _alternates(request),
        },
    )
