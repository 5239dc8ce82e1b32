"""`nashr ratelimits purge`: delete the rate limits' counts whose window has ended (daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nashr.core import ratelimit


class Command(BaseCommand):
    help = "Delete the rate limits' counts whose window has ended (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("purge", help="delete the counts whose window has ended")

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = ratelimit.purge()
        self.stdout.write(f"{deleted} ended rate count(s) deleted")
