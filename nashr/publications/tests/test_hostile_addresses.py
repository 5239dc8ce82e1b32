"""Addresses a stranger crafts answer 404, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("year", ["99999999999", "0", "9" * 30])
def test_archive_year_out_of_every_calendar_is_404(db: None, language: str, year: str) -> None:
    """/fa/archive/99999999999/1/ and the like are "not found" in either calendar."""
    client = Client(raise_request_exception=False)
    assert client.get(f"/{language}/archive/{year}/1/").status_code == 404


@pytest.mark.parametrize("path", ["/en/no-such-page%00/", "/fa/p/%00/", "/%00"])
def test_a_nul_in_an_unknown_address_is_404(db: None, path: str) -> None:
    """A NUL byte in a missing page's address is "not found" (PostgreSQL refused the lookup)."""
    client = Client(raise_request_exception=False)
    assert client.get(path).status_code == 404
