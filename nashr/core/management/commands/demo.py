"""`nashr demo`: load the demo content of every app; running it twice changes nothing."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from nashr.core.exceptions import ApplicationError, ImportFailed

# Each module has `load(*, stdout)`; later ones may use what earlier ones made (the
# bulletin is built from publications). A module not written yet is passed over.
DEMO_MODULES = (
    "nashr.accounts.demo",
    "nashr.importers.demo",
    "nashr.bulletins.demo",
    "nashr.subscribers.demo",
    "nashr.search.demo",
)


class Command(BaseCommand):
    help = "Load the demo content (an invented organization's publications) and a demo admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", default=[], metavar="MODULE", help="load only these"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names = options["only"] or DEMO_MODULES
        for name in names:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name and not options["only"]:
                    continue
                raise
            try:
                with transaction.atomic():
                    module.load(stdout=self.stdout)
            except ImportFailed as failed:
                for problem in failed.problems:
                    self.stderr.write(str(problem))
                raise CommandError(f"{name}: {failed}") from failed
            except ApplicationError as exc:
                raise CommandError(f"{name}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
