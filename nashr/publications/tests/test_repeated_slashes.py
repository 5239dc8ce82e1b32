"""An old address written with repeated slashes (as WordPress wrote some of its own links)
leads to its publication through the address with single slashes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from nashr.publications.models import OldAddress

pytestmark = pytest.mark.django_db


def _get(client: Client, path: str, query: str = "") -> Any:
    # The test client would read "//greek/…" as a host name: the path is given as a WSGI
    # server hands it over (its UTF-8 bytes as Latin-1 characters).
    wsgi_path = path.encode("utf-8").decode("latin-1")
    return client.get("/", PATH_INFO=wsgi_path, QUERY_STRING=query)


def test_repeated_slashes_answer_301_to_the_collapsed_address_then_the_old_one_applies(
    client: Client, make_publication: Callable[..., Any]
) -> None:
    """`//greek/2019/05/بیانیه/` answers 301 to `/greek/2019/05/بیانیه/` (encoded, the
    query kept), which answers 301 to the publication's page."""
    publication = make_publication()
    OldAddress.objects.create(path="/greek/2019/05/بیانیه", publication=publication)
    first = _get(client, "//greek//2019/05/بیانیه/", "utm=x")
    assert first.status_code == 301
    assert first["Location"] == "/greek/2019/05/%D8%A8%DB%8C%D8%A7%D9%86%DB%8C%D9%87/?utm=x"
    second = client.get(first["Location"])
    assert second.status_code == 301
    assert second["Location"] == publication.get_absolute_url()
    assert client.get(second["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("path", "location"),
    [("//evil.example/x", "/evil.example/x"), ("//\\evil.example/x", "/%5Cevil.example/x")],
)
def test_the_collapsed_address_never_names_another_host(
    client: Client, path: str, location: str
) -> None:
    """What looks like a host after the slashes stays a path on this site, a backslash
    (which browsers read as a slash) percent-encoded."""
    response = _get(client, path)
    assert response.status_code == 301
    assert response["Location"] == location


def test_an_unknown_address_with_single_slashes_stays_404(client: Client) -> None:
    """An unknown address with single slashes is still a 404, not a redirect."""
    assert _get(client, "/no/such/page/").status_code == 404
