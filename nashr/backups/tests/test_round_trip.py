"""A site backed up from SQLite, restored into PostgreSQL and back, arrives whole."""

from __future__ import annotations

from pathlib import Path

from nashr.backups.tests.populate import SUBSCRIBERS
from nashr.backups.tests.sites import Site, archive_contents


def _restore_and_back_up(archive: Path, site: Site, folder: Path, name: str) -> Path:
    site.nashr("restore", str(archive))
    again = folder / name
    site.nashr("backup", str(again), "--unencrypted")
    return again


def test_sqlite_to_postgresql_and_back_keeps_every_row(
    source_archive, new_postgres_site, new_sqlite_site, backups_folder
):
    """Every row of every model and every media file survive SQLite → PostgreSQL → SQLite."""
    original = archive_contents(source_archive)
    postgres = new_postgres_site()
    from_postgres = _restore_and_back_up(source_archive, postgres, backups_folder, "pg.tar.gz")
    after_postgres = archive_contents(from_postgres)
    sqlite = new_sqlite_site()
    from_sqlite = _restore_and_back_up(from_postgres, sqlite, backups_folder, "sqlite.tar.gz")
    after_sqlite = archive_contents(from_sqlite)

    assert original["manifest"]["database"] == "sqlite"
    assert after_postgres["manifest"]["database"] == "postgresql"
    for copy, restores in ((after_postgres, 1), (after_sqlite, 2)):
        assert copy["rows"].keys() == original["rows"].keys()
        # Each restore adds its own entry to the trail (test_restore_audit.py), nothing else.
        trail = copy["rows"]["audit.auditentry"]
        assert [row["action"] for row in trail].count("site.restore") == restores
        copy["rows"]["audit.auditentry"] = [r for r in trail if r["action"] != "site.restore"]
        for label, rows in original["rows"].items():
            assert copy["rows"][label] == rows, label
        assert copy["media"] == original["media"]
        assert copy["manifest"]["migrations"] == original["manifest"]["migrations"]
    # What the round trip is for, spelled out.
    rows = original["rows"]
    assert len(rows["subscribers.subscriber"]) == SUBSCRIBERS
    states = sorted(row["state"] for row in rows["delivery.delivery"])
    assert states.count("sent") == 300 and states.count("failed") == 10
    assert states.count("bounced") == 5 and states.count("queued") == SUBSCRIBERS - 315
    assert {row["number"] for row in rows["bulletins.bulletin"] if row["number"]}
    assert len(rows["otp_totp.totpdevice"]) == 1 and len(rows["otp_static.statictoken"]) == 3
    assert len(original["media"]) == 2


def test_restored_postgresql_site_works_on(source_archive, new_postgres_site):
    """After a restore into PostgreSQL, logins, numbers and new rows carry on from the archive."""
    site = new_postgres_site()
    site.nashr("restore", str(source_archive))
    out = site.python(
        "from django.contrib.auth import authenticate\n"
        "from nashr.subscribers.models import Subscriber\n"
        "from nashr.bulletins.models import Bulletin\n"
        "from django.utils import timezone\n"
        "print(authenticate(username='editor', password='a long passphrase 42') is not None)\n"
        "top = Subscriber.objects.order_by('-pk').first().pk\n"
        "new = Subscriber.objects.create(\n"
        "    email='new@example.org', language='fa', consented_at=timezone.now()\n"
        ")\n"
        "print(new.pk > top)\n"
        "print(sorted(Bulletin.objects.exclude(number=None).values_list('number', flat=True)))\n"
        # Search: the restored entries' vectors (phrases, dates) are made on PostgreSQL.
        "import calendar\n"
        "from nashr.search.backends import Filters\n"
        "from nashr.search.models import SearchEntry\n"
        "from nashr.search.query import parse_query\n"
        "from nashr.search.selectors import search\n"
        "entry = next(e for e in SearchEntry.objects.order_by('pk') if len(e.body.split()) > 1)\n"
        "phrase = '\"' + ' '.join(entry.body.split()[:2]) + '\"'\n"
        "month = entry.date.replace(day=1)\n"
        "last = entry.date.replace(day=calendar.monthrange(entry.date.year, entry.date.month)[1])\n"
        "months = Filters(date_from=month, date_to=last)\n"
        "found = search(query=parse_query(phrase), filters=months)\n"
        "print(entry.pk in [hit.publication.pk for hit in found.hits])\n"
    )
    logged_in, new_after_old, numbers, phrase_found = out.splitlines()
    assert phrase_found == "True"
    assert logged_in == "True"
    assert new_after_old == "True"  # the sequences were set past the restored ids
    assert numbers != "[]"
    assert (site.media / "uploads" / "گزارش سالانه.pdf").read_bytes().startswith(b"%PDF")
