"""One search backend per database, chosen by the database's vendor."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.utils import DEFAULT_DB_ALIAS

from nashr.search.backends.base import CANDIDATES, Backend, EngineResult, Filters, Hit

__all__ = ["CANDIDATES", "Backend", "EngineResult", "Filters", "Hit", "get_backend"]


def get_backend(using: str = DEFAULT_DB_ALIAS) -> Backend:
    """The backend for the database `using`: FTS5 on SQLite, tsvector on PostgreSQL."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        from nashr.search.backends.sqlite import SqliteBackend

        return SqliteBackend(connection)
    if connection.vendor == "postgresql":
        from nashr.search.backends.postgresql import PostgresqlBackend

        return PostgresqlBackend(connection)
    raise ImproperlyConfigured(
        f"search has no backend for {connection.vendor}; use SQLite or PostgreSQL"
    )
