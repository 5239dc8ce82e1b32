"""`nashr normalize_js [--check]`: write the mirror search script's tables from Python's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nashr.mirror.normalize_js import SCRIPT, normalize_js_write, script_with_tables


class Command(BaseCommand):
    help = (
        "Write the tables of mirror/static/mirror/normalize.js (the mirror's search in the "
        "browser) from the Python ones (core.spelling, search.normalize, search.query); "
        "run it after changing those. --check only says whether the script is up to date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="change nothing; fail if the script is stale"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            script = SCRIPT.read_text(encoding="utf-8")
            if script_with_tables(script) != script:
                raise CommandError(f"{SCRIPT}: stale tables; run `nashr normalize_js`")
            self.stdout.write(f"{SCRIPT}: up to date")
            return
        changed = normalize_js_write()
        self.stdout.write(f"{SCRIPT}: {'written' if changed else 'already up to date'}")
