"""`nashr demo`: load the demo content of every app; running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from nashr.core.demo import DEMO_PARTS, DemoPart
from nashr.core.exceptions import ApplicationError, ImportFailed


class Command(BaseCommand):
    help = "Load the demo content (an invented organization's publications) and a demo admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="PART",
            help=f"load only these parts (of: {', '.join(DEMO_PARTS.names())})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            parts = [DEMO_PARTS.get(name) for name in options["only"]] or list(DEMO_PARTS)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        for part in parts:
            self._load(part)
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))

    def _load(self, part: DemoPart) -> None:
        try:
            with transaction.atomic():
                part.load(stdout=self.stdout)
        except ImportFailed as failed:
            for problem in failed.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{part.name}: {failed}") from failed
        except ApplicationError as exc:
            raise CommandError(f"{part.name}: {exc}") from exc
        self.stdout.write(f"demo part loaded: {part.name}")
