"""Time and count queries of every public page; prints JSON. Run by hand:

    .venv/bin/python bench/site_pages.py [--repeat 50]

Uses a throwaway SQLite database (or DATABASE_URL), fills it with the representative
content of nashr/testing/pages.py plus `--extra` more translated statements, and renders
each page with Django's test client (no network).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nashr.core.actors import COMMAND

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--extra", type=int, default=200, help="more statements to list")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="nashr-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from nashr.publications import services
    from nashr.testing.pages import PUBLIC_PAGES, build_site_content

    setup_test_environment()
    logging.disable(logging.WARNING)  # "Not Found: …" for the 404 pages
    call_command("migrate", verbosity=0)
    content = build_site_content()
    for number in range(args.extra):
        original = services.publication_create(
            actor=COMMAND,
            kind=content["kinds"]["statement"],
            language="fa",
            title=f"بیانیه شماره {number}",
            body="متن بیانیه.\n\n" * 20,
            date=dt.date(2023, 1, 1) + dt.timedelta(days=number),
            signatory=content["signatory"],
            status="published",
        )
        services.publication_publish(
            actor=COMMAND,
            publication=services.translation_create(
                actor=COMMAND, original=original, language="en", title=f"Statement {number}"
            ),
        )

    client = Client()
    results = []
    for page in PUBLIC_PAGES:
        path = page.path(content)
        statements: list[str] = []

        def count(execute: Any, sql: str, *rest: Any, statements: list[str] = statements) -> Any:
            statements.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            client.get(path)
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        results.append(
            {
                "page": page.name,
                "path": path,
                "status": response.status_code,
                "queries": len(statements),
                "bytes": len(response.content),
                "median_ms": round(statistics.median(timings), 2),
                "p95_ms": round(sorted(timings)[int(len(timings) * 0.95) - 1], 2),
            }
        )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "publications": 2 * args.extra + 7,
                "repeat": args.repeat,
                "pages": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
