"""A backup reads one snapshot while the site goes on writing."""

from __future__ import annotations

SNAPSHOT_SCRIPT = """
from django.contrib.auth.models import Group
from django.db import connection
from nashr.backups.services import snapshot

def write_elsewhere():
    url = {url!r}
    if url.startswith("sqlite"):
        import sqlite3
        other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=2)
    else:
        import psycopg
        other = psycopg.connect(url.replace("postgres://", "postgresql://"))
    other.execute("INSERT INTO auth_group (name) VALUES ('written meanwhile')")
    other.commit()
    other.close()

with snapshot():
    before = Group.objects.count()
    write_elsewhere()  # not blocked by the backup's transaction (it would time out)
    during = Group.objects.count()
print(before, during, Group.objects.count())
"""


def _check(site) -> None:
    before, during, after = site.python(SNAPSHOT_SCRIPT.format(url=site.database_url)).split()
    assert before == during
    assert int(after) == int(before) + 1


def test_sqlite_snapshot_blocks_no_writer(new_sqlite_site):
    """On SQLite a write committed during the backup neither waits nor shows in it."""
    _check(new_sqlite_site())


def test_postgresql_snapshot_blocks_no_writer(new_postgres_site):
    """On PostgreSQL a write committed during the backup neither waits nor shows in it."""
    _check(new_postgres_site())
