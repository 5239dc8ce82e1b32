from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nashr.core.languages import current_language
from nashr.search import selectors
from nashr.search.backends import CANDIDATES, Filters
from nashr.search.forms import SearchFiltersForm
from nashr.search.query import ParsedQuery, parse_query


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def search(request: HttpRequest) -> HttpResponse:
    """The search page: form, then ranked results or what kept the search from running."""
    language = current_language()
    text = request.GET.get("q", "")
    query: ParsedQuery = parse_query(text)
    form = SearchFiltersForm(request.GET or None, language=language)
    results = None
    if not query.empty and query.ok and (not request.GET or form.is_valid()):
        data = form.cleaned_data if form.is_bound else {}
        if data.get("language"):  # read as that language alone reads it
            query = parse_query(text, languages=[data["language"]])
        kind = data.get("kind")
        filters = Filters(
            language=data.get("language") or None,
            kind_id=kind.pk if kind else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        results = selectors.search(
            query=query, filters=filters, page=_page_number(request.GET.get("page"))
        )
    return render(
        request,
        "search/search.html",
        {
            "q": text.replace("\x00", "")[:2000],
            "query": query,
            "form": form,
            "results": results,
            "candidates": CANDIDATES,
        },
    )
