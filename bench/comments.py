"""Time the publication page with many approved comments, uncached and cached; prints JSON.

    .venv/bin/python bench/comments.py [--comments 500] [--repeat 50]

Uses a throwaway SQLite database (or DATABASE_URL). One Persian statement gets
`--comments` approved comments (every fifth a reply, every seventh in English, some with
links), and its page is rendered `--repeat` times with Django's test client: uncached
(each render reads the comments and builds the page), then cached (Django's whole-page
cache middleware in front, as a stand-in for the site's page cache, which keys pages the
same way: the first request fills it, the rest are served from it). Target: the uncached
p95 under 50 ms.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _timings(client: object, path: str, repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]  # django.test.Client
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "max_ms": round(samples[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="nashr-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from nashr.comments.models import Comment, CommentStatus
    from nashr.core.actors import COMMAND
    from nashr.publications import services
    from nashr.testing.pages import ensure_default_kinds

    # No setup_test_environment(): its instrumented template rendering (a signal and a
    # context copy per template) would be timed along with the page.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    publication = services.publication_create(
        actor=COMMAND,
        kind=ensure_default_kinds()["statement"],
        language="fa",
        title="بیانیه‌ای با نظرهای بسیار",
        body="متن بیانیه.\n\n" * 20,
        date=dt.date(2024, 1, 1),
        status="published",
    )
    start = timezone.now() - dt.timedelta(days=30)
    tops: list[Comment] = []
    for number in range(args.comments):
        english = number % 7 == 0
        body = (
            f"Comment {number}: I read this and agree. https://example.org/{number}"
            if english
            else f"نظر {number}: این بیانیه را خواندم و با آن موافقم.\n\nپاراگراف دوم."
        )
        parent = tops[number // 5 % len(tops)] if number % 5 == 4 and tops else None
        comment = Comment.objects.create(
            publication=publication,
            parent=parent,
            name=f"Reader {number}" if english else f"خواننده {number}",
            body=body,
            language="en" if english else "fa",
            status=CommentStatus.APPROVED,
            created_at=start + dt.timedelta(minutes=number),
        )
        if parent is None:
            tops.append(comment)
    path = publication.get_absolute_url()
    client = Client()
    client.get(path)  # warm up templates and URL resolvers

    queries: list[str] = []

    def count(execute, sql, *rest):  # type: ignore[no-untyped-def]  # Django's wrapper signature
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count):
        size = len(client.get(path).content)
    uncached = _timings(client, path, args.repeat)
    if os.environ.get("NASHR_BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("client.get(path)", globals(), locals(), os.environ["NASHR_BENCH_PROFILE"])

    middleware = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    with override_settings(MIDDLEWARE=middleware, CACHE_MIDDLEWARE_SECONDS=600):
        client = Client()  # a client loads the middleware once, at its first request
        client.get(path)
        cached = _timings(client, path, args.repeat)

    print(
        json.dumps(
            {
                "benchmark": "comments",
                "comments": args.comments,
                "repeat": args.repeat,
                "database": connection.vendor,
                "page_bytes": size,
                "queries_per_page": len(queries),
                "uncached": uncached,
                "cached": cached,
                "target_uncached_p95_ms": 50,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
