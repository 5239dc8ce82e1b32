"""The mirror's pages are the site's pages in mirror mode, whatever the build preloaded."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nashr.core.calendars import month_of
from nashr.mirror.addresses import url_in
from nashr.mirror.pages import Pages
from nashr.publications.models import Kind
from nashr.testing.pages import SiteContent


def _month(date: object, language: str) -> dict[str, int]:
    year, month = month_of(date, language)  # type: ignore[arg-type]  # a date
    return {"year": year, "month": month}


def _addresses(site_content: SiteContent) -> list[str]:
    """A publication page with comments in each language, a list, the archive and a month;
    the home pages last."""
    statement = site_content["statement_fa"]
    kind = Kind.objects.get(pk=statement.kind_id)
    found = []
    for language in ("fa", "en"):
        year, month = month_of(statement.date, language)
        found.append(url_in(language, "publications:detail", pk=statement.pk, slug=statement.slug))
        found.append(url_in(language, "publications:archive_month", year=year, month=month))
        found.append(url_in(language, "publications:kind", kind=kind.slug))
        found.append(url_in(language, "publications:archive"))
        found.append(url_in(language, "publications:home"))
    return found


@pytest.mark.parametrize("whole_lists", [True, False])
def test_preloaded_pages_are_the_sites_pages(site_content: SiteContent, whole_lists: bool) -> None:
    """Each page the mirror renders with its preloads is byte for byte what the site serves
    through its whole middleware stack to a request in mirror mode."""
    pages = Pages(forms="primary", whole_lists=whole_lists)
    pages.preload_publications(None if whole_lists else [site_content["statement_fa"].pk])
    client = Client(**pages.environ)
    for address in _addresses(site_content):
        with pages.preloaded():
            response = pages.get(address)
            mirrored = pages.content(address, response)
        served = client.get(address, secure=pages.secure)
        assert response.status_code == served.status_code, address
        if served.status_code == 200:
            assert mirrored == served.content, address
        else:  # the English address of a statement translated into English
            assert response["Location"] == served["Location"], address
    assert response.status_code == 200


def test_preloaded_publication_page_makes_no_query(site_content: SiteContent) -> None:
    """With the build's preloads active, a publication page with comments, its kind's list
    and a month of the archive read nothing more from the database."""
    statement = site_content["statement_fa"]
    pages = Pages(forms="primary", whole_lists=True)
    pages.preload_publications(None)
    kind = Kind.objects.get(pk=statement.kind_id)
    addresses = [
        url_in("fa", "publications:detail", pk=statement.pk, slug=statement.slug),
        url_in("en", "publications:kind", kind=kind.slug),
        url_in("fa", "publications:archive_month", **_month(statement.date, "fa")),
    ]
    with pages.preloaded():
        for address in addresses:  # the subscribe form's first rendering in each language
            pages.content(address, pages.get(address))
        for address in addresses:
            with CaptureQueriesContext(connection) as queries:
                pages.content(address, pages.get(address))
            assert [query["sql"] for query in queries.captured_queries] == [], address


def test_mirror_uses_no_private_view_function() -> None:
    """No module of the mirror imports a view function or reads a page's hidden context."""
    folder = Path(__file__).resolve().parent.parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".views"):
                names = {alias.name for alias in node.names}
                assert names <= {"PAGE_SIZE"}, f"{path.name} imports {names} from a views module"
            if isinstance(node, ast.Import):
                assert not any(alias.name.endswith(".views") for alias in node.names), path.name
        text = path.read_text(encoding="utf-8")
        for hidden in ("prefetched_comments", "mirror_subscribe_form", "_nashr_comment_counts"):
            assert hidden not in text, f"{path.name} uses {hidden}"
