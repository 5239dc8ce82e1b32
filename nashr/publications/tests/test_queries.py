"""A public page costs a fixed number of queries, however many publications it lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.testing.pages import SiteContent


def _queries(client: Client, path: str) -> int:
    """Queries run while rendering `path` (counted at the driver: nothing resets them)."""
    statements: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        assert client.get(path).status_code == 200
    assert statements, "no query was counted"
    return len(statements)


@pytest.mark.parametrize(
    "path", ["/fa/", "/en/", "/fa/statement/", "/en/archive/", "/fa/archive/1402/11/"]
)
def test_list_pages_do_not_query_per_item(
    client: Client, site_content: SiteContent, path: str
) -> None:
    """Adding more statements (with translations) leaves the query count unchanged."""
    before = _queries(client, path)
    for day in range(5):
        original = services.publication_create(
            actor=COMMAND,
            kind=site_content["kinds"]["statement"],
            language="fa",
            title=f"بیانیه شماره {day}",
            date=dt.date(2024, 2, 11 + day),
            signatory=site_content["signatory"],
            status="published",
        )
        services.publication_publish(
            actor=COMMAND,
            publication=services.translation_create(
                actor=COMMAND, original=original, language="en", title=f"Statement {day}"
            ),
        )
    assert _queries(client, path) == before
