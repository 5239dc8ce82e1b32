"""Time `nashr import FILE.xml` of a generated WordPress export of N posts (Persian/English
Polylang pairs, a comment each) into a fresh SQLite database: dry run, real run, and a
second run that must change nothing. Prints JSON.

    .venv/bin/python bench/import_wxr.py [--posts 20000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=20000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="nashr-bench-wxr-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # As in production: with DEBUG on, Django also formats and keeps every query.
    os.environ.setdefault("DEBUG", "0")
    # The export of 20,000 posts is 128 MB: under NASHR_IMPORT_EXPORT_MAX_BYTES (2 GiB).
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    from nashr.publications.models import Publication
    from nashr.testing.wxr import SITE, Comment, Post, polylang_terms, wxr

    call_command("migrate", verbosity=0)
    paragraph = "<p>" + "این یک پاراگراف آزمایشی است که چند بار تکرار می‌شود. " * 12 + "</p>"
    posts, groups = [], {}
    for number in range(args.posts // 2):
        fa_id, en_id = 2 * number + 1, 2 * number + 2
        group = f"pll_{number}"
        groups[group] = {"fa": fa_id, "en": en_id}
        for post_id, code, title in (
            (fa_id, "fa", f"بیانیه {number}"),
            (en_id, "en", f"Statement {number}"),
        ):
            posts.append(
                Post(
                    post_id,
                    title,
                    paragraph * 4,
                    slug=f"statement-{number}",
                    link=f"{SITE}/{code}/{number}/statement/",
                    categories=[("language", code, code), ("post_translations", group, group)],
                    comments=[Comment(post_id * 10, "Reader", "Thank you")],
                )
            )
    export = workdir / "export.xml"
    export.write_text(wxr(posts, terms=polylang_terms(groups)), encoding="utf-8")
    timings = {}
    for label, extra in (("dry_run", ["--dry-run"]), ("import", []), ("second_run", [])):
        started, cpu = time.perf_counter(), time.process_time()
        call_command("import", str(export), *extra, stdout=io.StringIO(), verbosity=0)
        timings[f"{label}_seconds"] = round(time.perf_counter() - started, 2)
        # CPU time too: on a shared, loaded machine the wall clock says little.
        timings[f"{label}_cpu_seconds"] = round(time.process_time() - cpu, 2)
    print(
        json.dumps(
            {
                "posts": len(posts),
                "export_mb": round(export.stat().st_size / 1e6, 1),
                "publications": Publication.objects.count(),
                **timings,
                "posts_per_second": round(len(posts) / timings["import_seconds"], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
