"""Time `nashr import` of N generated Markdown files (half Persian originals, half English
translations) into a fresh SQLite database, dry run and real. Prints JSON.

    .venv/bin/python bench/import_files.py [N]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    workdir = Path(tempfile.mkdtemp(prefix="nashr-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    from nashr.core.actors import COMMAND
    from nashr.importers.run import publications_import

    call_command("migrate", verbosity=0)
    files = workdir / "files"
    files.mkdir()
    paragraph = "این یک پاراگراف آزمایشی است که چند بار تکرار می‌شود. " * 12
    for number in range(count // 2):
        for language, title in (("fa", f"بیانیه شماره {number}"), ("en", f"Statement {number}")):
            (files / f"{number:05d}.{language}.md").write_text(
                f"---\ntitle: {title}\nlanguage: {language}\nkind: statement\n"
                f"date: 1402-{number % 12 + 1:02d}-01\ncalendar: jalali\n"
                f"translation_key: bench-{number}\n---\n" + f"{paragraph}\n\n" * 4,
                encoding="utf-8",
            )
    started = time.perf_counter()
    publications_import(actor=COMMAND, paths=[files], dry_run=True)
    dry = time.perf_counter() - started
    started = time.perf_counter()
    report = publications_import(actor=COMMAND, paths=[files])
    real = time.perf_counter() - started
    print(
        json.dumps(
            {
                "files": count,
                "created": len(report.created),
                "dry_run_seconds": round(dry, 3),
                "import_seconds": round(real, 3),
                "files_per_second": round(count / real, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
