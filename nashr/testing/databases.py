"""The test database, for other processes: tests of work done by several workers at once."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from django.db import connection


def database_url(folder: Path) -> str:
    """A URL other processes can open: the test database itself, or a file copy of it.

    The test runner's in-memory SQLite uses a shared cache, whose table locks fail at once
    instead of waiting as SQLite does for a real file; a copy in `folder` waits.
    """
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        host = settings["HOST"] or "127.0.0.1"
        return f"postgres://{settings['USER']}@{host}:{settings['PORT']}/{settings['NAME']}"
    path = folder / "copy.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    return f"sqlite:///{path}"


def process_environment(folder: Path) -> dict[str, str]:
    """The environment of a process that works on the test database (`database_url`)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(folder),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
