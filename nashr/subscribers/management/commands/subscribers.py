"""`nashr subscribers import FILE.csv --series SLUG [--confirmed]`, `nashr subscribers export`,
`nashr subscribers purge-unconfirmed [--enqueue]` (for cron: once a day is enough),
`nashr subscribers mail-ingest [MAILDIR]` (mail to NASHR_LIST_ADDRESS: one message on
standard input, or a Maildir's new messages; as `nashr bounces ingest` reads bounces)."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nashr.audit.services import audit_record
from nashr.core.actors import COMMAND
from nashr.core.commands import actor_from_options, add_actor_argument
from nashr.core.exceptions import ApplicationError
from nashr.subscribers import services, tasks
from nashr.subscribers.models import Subscription


class Command(BaseCommand):
    help = (
        "Import subscribers from a CSV file (email[,language]), export them as CSV, or "
        "delete the addresses never confirmed."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importer = sub.add_parser(
            "import",
            help="add the addresses of a CSV file to a series' list (all or nothing)",
        )
        importer.add_argument("file", type=Path, metavar="FILE.csv")
        importer.add_argument("--series", required=True, metavar="SLUG")
        importer.add_argument(
            "--confirmed",
            action="store_true",
            help="the addresses already confirmed elsewhere: send no confirmation link",
        )
        add_actor_argument(importer)
        exporter = sub.add_parser("export", help="write subscribers as CSV to standard output")
        exporter.add_argument("--series", metavar="SLUG", help="only this series' list")
        purge = sub.add_parser(
            "purge-unconfirmed",
            help="delete the addresses never confirmed within NASHR_UNCONFIRMED_DAYS",
        )
        purge.add_argument(
            "--enqueue",
            action="store_true",
            help="leave the work to the task worker (nashr db_worker) instead of doing it now",
        )
        add_actor_argument(purge)
        mail = sub.add_parser(
            "mail-ingest",
            help="do what mail to NASHR_LIST_ADDRESS asks (subscribe, confirm, unsubscribe): "
            "one message on standard input, or the new messages of a Maildir",
        )
        mail.add_argument("maildir", nargs="?", type=Path, metavar="MAILDIR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self.import_(options)
            elif options["action"] == "purge-unconfirmed":
                self.purge_unconfirmed(options)
            elif options["action"] == "mail-ingest":
                self.mail_ingest(options)
            else:
                self.export(options)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc

    def import_(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        series = services.series_by_slug(options["series"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
            ) from exc
        result = services.subscribers_import(
            actor=actor_from_options(options),
            text=text,
            filename=str(path),
            series=series,
            confirmed=options["confirmed"],
        )
        self.stdout.write(f"new subscribers: {result.created}")
        self.stdout.write(f"added to “{series.slug}”: {result.added}")
        self.stdout.write(f"duplicates merged: {result.merged}")
        if result.skipped:
            self.stdout.write(
                f"left alone (they unsubscribed or their address bounces): {len(result.skipped)}"
            )
        if result.to_confirm:
            sent = services.subscription_confirmations_send(
                subscriber_ids=result.to_confirm, series=series
            )
            self.stdout.write(f"confirmation links sent: {sent}")

    def purge_unconfirmed(self, options: dict[str, Any]) -> None:
        days = settings.NASHR_UNCONFIRMED_DAYS
        if options["enqueue"]:
            if options["actor"]:
                raise CommandError("the task worker acts as itself: give --as or --enqueue")
            tasks.purge_unconfirmed.enqueue()
            self.stdout.write("handed to the task worker")
            return
        deleted = services.subscribers_purge_unconfirmed(actor=actor_from_options(options))
        self.stdout.write(f"addresses deleted, not confirmed within {days} days: {deleted}")

    def mail_ingest(self, options: dict[str, Any]) -> None:
        # One byte past the limit is enough to tell that a message is too large.
        source: Path | bytes = options["maildir"] or sys.stdin.buffer.read(
            settings.NASHR_LIST_MAX_BYTES + 1
        )
        if source == b"":
            raise CommandError(
                "standard input is empty: pipe a message into the command, or give a Maildir path"
            )
        report = services.mail_commands_ingest(source=source)
        self.stdout.write(f"messages read: {report.messages}")
        self.stdout.write(f"confirmation mails sent: {report.subscribed}")
        self.stdout.write(f"subscriptions confirmed: {report.confirmed}")
        self.stdout.write(f"unsubscribed: {report.unsubscribed}")
        self.stdout.write(f"automatic mail ignored: {report.ignored}")
        if report.refused:
            self.stdout.write(f"refused: {len(report.refused)}")
            for refusal in report.refused:
                self.stdout.write(f"  {refusal.where}: {refusal.reason}")

    def export(self, options: dict[str, Any]) -> None:
        rows = Subscription.objects.select_related("subscriber", "series").order_by(
            "subscriber__email", "series__slug"
        )
        if options["series"]:
            rows = rows.filter(series=services.series_by_slug(options["series"]))
        # Recorded before the addresses leave: an export cut short has still shown some.
        facts = {"series": options["series"] or "", "rows": rows.count()}
        audit_record(actor=COMMAND, action="subscriber.export", changes=facts)
        writer = csv.writer(self.stdout)
        writer.writerow(
            ["email", "language", "series", "status", "list_status", "consented_at", "confirmed_at"]
        )
        for row in rows.iterator(chunk_size=2000):
            subscriber = row.subscriber
            writer.writerow(
                [
                    subscriber.email,
                    subscriber.language,
                    row.series.slug,
                    subscriber.status,
                    row.status,
                    row.consented_at.isoformat(),
                    row.confirmed_at.isoformat() if row.confirmed_at else "",
                ]
            )
