"""`nashr bounces ingest [MAILDIR]`: record bounce reports (one on stdin, or a Maildir)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nashr.core.exceptions import ApplicationError
from nashr.delivery.services import bounces_ingest


class Command(BaseCommand):
    help = "Read bounce reports (RFC 3464) and mark addresses that bounce repeatedly."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        ingest = sub.add_parser(
            "ingest", help="read one message on standard input, or every message of a Maildir"
        )
        ingest.add_argument("maildir", nargs="?", type=Path, metavar="MAILDIR")

    def handle(self, *args: Any, **options: Any) -> None:
        # One byte past the limit is enough to tell that a message is too large.
        source: Path | bytes = options["maildir"] or sys.stdin.buffer.read(
            settings.NASHR_BOUNCE_MAX_BYTES + 1
        )
        if source == b"":
            raise CommandError(
                "standard input is empty: pipe a bounce message into the command, "
                "or give a Maildir path"
            )
        try:
            report = bounces_ingest(source=source)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"messages read: {report.messages}")
        self.stdout.write(f"hard bounces recorded: {report.hard}")
        self.stdout.write(f"temporary failures (not counted): {report.soft}")
        self.stdout.write(f"addresses now marked bounced: {len(report.newly_bounced)}")
        for address in report.newly_bounced:
            self.stdout.write(f"  {address}")
        if report.unmatched:
            self.stdout.write(f"not matched to a sent message: {len(report.unmatched)}")
        if report.unread:
            self.stdout.write(f"messages not read: {len(report.unread)}")
            for unread in report.unread:
                self.stdout.write(f"  {unread.where}: {unread.reason}")
