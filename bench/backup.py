"""Backup benchmark: `nashr backup` and `nashr restore` of 100,000 publications and
100,000 subscribers.

Fills a migrated database in bulk (not timed): publications half Persian, half English,
with their search entries, and confirmed subscribers each subscribed to one series. Then
times `nashr backup` (the command, start-up included, as an operator waits for it), and
`nashr restore` of that archive into a new, migrated database, and reports the archive's
size. Prints one JSON object.

Run from the project root:

    .venv/bin/python bench/backup.py                              # SQLite
    .venv/bin/python bench/backup.py --publications 2000 --subscribers 2000   # a quick run
    .venv/bin/python bench/backup.py --database-url postgres://nashr@127.0.0.1:55445/postgres
    .venv/bin/python bench/backup.py --start-postgres              # a throwaway PostgreSQL 15

With PostgreSQL, two databases (nashr_backup_bench_source, nashr_backup_bench_target) are
created on the server and dropped at the end. `--encrypt` times the archive encrypted
(age, to a key made for the run). The archive is signed and its signature checked, as in
production, with a signing key made for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CPU_SECONDS: dict[str, float] = {}
WORDS_FA = [
    "آزادی",
    "زندانیان",
    "سیاسی",
    "حقوق",
    "بشر",
    "بیانیه",
    "کمیته",
    "اعتراض",
    "کارگران",
    "زنان",
    "مردم",
    "دولت",
]
WORDS_EN = [
    "freedom",
    "political",
    "prisoners",
    "human",
    "rights",
    "statement",
    "committee",
    "protest",
]


def fill(publications: int, subscribers: int, seed: int) -> None:
    """Insert the corpus in bulk into the database of DATABASE_URL (run in a child)."""
    import datetime as dt
    import uuid

    import django

    django.setup()
    from django.utils import timezone

    from nashr.bulletins.models import Series
    from nashr.publications.models import Kind, Publication, Status
    from nashr.search.services import search_reindex
    from nashr.subscribers.models import Subscriber, Subscription

    rng = random.Random(seed)
    kinds = list(Kind.objects.all())
    now = timezone.now()
    batch: list[Any] = []
    for number in range(publications):
        language = "fa" if number % 2 == 0 else "en"
        words = WORDS_FA if language == "fa" else WORDS_EN
        paragraphs = [
            " ".join(rng.choices(words, k=rng.randint(20, 60))) for _ in range(rng.randint(2, 5))
        ]
        batch.append(
            Publication(
                kind=rng.choice(kinds),
                language=language,
                title=" ".join(rng.choices(words, k=8)),
                slug=f"p{number}",
                summary=paragraphs[0][:200],
                body="\n\n".join(paragraphs),
                body_html="".join(f"<p>{text}</p>\n" for text in paragraphs),
                date=dt.date(2000, 1, 1) + dt.timedelta(days=number % 9000),
                status=Status.PUBLISHED,
                published_at=now,
                translation_key=uuid.uuid4(),
            )
        )
        if len(batch) == 5000:
            Publication.objects.bulk_create(batch)
            batch.clear()
    Publication.objects.bulk_create(batch)
    search_reindex()
    series = Series.objects.create(slug="monthly", title="Monthly", language="fa")
    batch = [
        Subscriber(
            email=f"reader{number}@example.org",
            language="fa",
            status="confirmed",
            consented_at=now,
            confirmed_at=now,
        )
        for number in range(subscribers)
    ]
    Subscriber.objects.bulk_create(batch, batch_size=5000)
    Subscription.objects.bulk_create(
        (
            Subscription(
                subscriber_id=pk,
                series=series,
                status="confirmed",
                consented_at=now,
                confirmed_at=now,
            )
            for pk in Subscriber.objects.values_list("pk", flat=True)
        ),
        batch_size=5000,
    )


# The backup keys of the run (NASHR_BACKUP_SIGNING_KEY_FILE, NASHR_BACKUP_VERIFY_KEY).
BACKUP_KEYS: dict[str, str] = {}


def nashr(database_url: str, var: Path, *args: str) -> float:
    """Run `nashr ARGS` on the database; its wall-clock time in seconds.

    The processor time it used (user and system) is added to CPU_SECONDS[args[0]]: on a
    shared, loaded machine it says more than the wall clock.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "NASHR_VAR_DIR": str(var),
        **BACKUP_KEYS,
    }
    started = time.perf_counter()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "nashr.cli", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS[args[0]] = (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)
    return time.perf_counter() - started


def run(source: str, target: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    var = folder / "var"
    nashr(source, var, "migrate", "--noinput", "-v", "0")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": source}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--fill", str(args.publications), str(args.subscribers)],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    filled = time.perf_counter() - started
    archive = folder / "site.tar.gz"
    if not BACKUP_KEYS:
        from nashr.backups.signing import key_generate, public_line

        signing_key = key_generate(folder / "signing.key")
        BACKUP_KEYS["NASHR_BACKUP_SIGNING_KEY_FILE"] = str(folder / "signing.key")
        BACKUP_KEYS["NASHR_BACKUP_VERIFY_KEY"] = public_line(signing_key.public_key())
    options: list[str] = ["--unencrypted"]
    identity_options: list[str] = []
    if args.encrypt:
        from pyrage import x25519  # type: ignore[import-untyped]  # no type information

        key = x25519.Identity.generate()
        (folder / "key").write_text(f"{key}\n")
        options = ["--encrypt-to", str(key.to_public())]
        identity_options = ["--identity", str(folder / "key")]
    backup = nashr(source, var, "backup", str(archive), "-v", "0", *options)
    nashr(target, folder / "var2", "migrate", "--noinput", "-v", "0")
    restore = nashr(target, folder / "var2", "restore", str(archive), "-v", "0", *identity_options)
    return {
        "fill_s": round(filled, 1),
        "backup_s": round(backup, 1),
        "restore_s": round(restore, 1),
        "backup_cpu_s": round(CPU_SECONDS["backup"], 1),
        "restore_cpu_s": round(CPU_SECONDS["restore"], 1),
        "load_average": os.getloadavg()[0],
        "archive_mb": round(archive.stat().st_size / 1e6, 1),
        "encrypted": args.encrypt,
    }


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--publications", type=int, default=100_000)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--encrypt", action="store_true", help="encrypt the archive (age)")
    parser.add_argument("--database-url", metavar="URL", help="a PostgreSQL server to use")
    parser.add_argument("--start-postgres", action="store_true", help="start a throwaway one")
    parser.add_argument("--fill", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill(args.fill[0], args.fill[1], seed=args.seed)
        return

    report: dict[str, Any] = {
        "publications": args.publications,
        "subscribers": args.subscribers,
        "python": sys.version.split()[0],
    }
    folder = Path(tempfile.mkdtemp(prefix="nashr-bench-backup."))
    server = None
    try:
        url = args.database_url
        if args.start_postgres:
            from nashr.testing.postgres_server import PostgresServer

            server = PostgresServer().start()
            url = server.url()
        if url:
            import psycopg

            names = ("nashr_backup_bench_source", "nashr_backup_bench_target")
            with psycopg.connect(url, autocommit=True) as connection:
                for name in names:
                    connection.execute(f"DROP DATABASE IF EXISTS {name}")
                    connection.execute(f"CREATE DATABASE {name}")
            try:
                report["postgresql"] = run(
                    with_database(url, names[0]), with_database(url, names[1]), folder, args
                )
            finally:
                with psycopg.connect(url, autocommit=True) as connection:
                    for name in names:
                        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        else:
            report["sqlite"] = run(
                f"sqlite:///{folder / 'source.sqlite3'}",
                f"sqlite:///{folder / 'target.sqlite3'}",
                folder,
                args,
            )
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
