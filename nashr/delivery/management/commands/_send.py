"""`nashr bulletin send NUMBER --series SLUG [--workers N] [--rate MSGS_PER_S]`.

The parser and the handler live here, with the delivery app; the `bulletin` command
(nashr/bulletins/management/commands/bulletin.py) offers them as its `send` subcommand.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from nashr.audit.services import audit_record
from nashr.bulletins.models import Bulletin
from nashr.core.actors import COMMAND
from nashr.core.exceptions import ApplicationError
from nashr.delivery.engine import SendSummary, default_workers, delivery_send
from nashr.delivery.transport import Outcome


def add_send_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", type=int, metavar="NUMBER", help="the issue's number")
    parser.add_argument("--series", required=True, metavar="SLUG", help="the series' slug")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        metavar="N",
        help="parallel SMTP connections (default: %(default)s)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="MSGS_PER_S",
        help="at most this many messages per second in all (default: no limit)",
    )


def summary_lines(summary: SendSummary) -> list[str]:
    return [
        f"recipients: {summary.total}",
        f"sent: {summary.sent} ({summary.sent_now} in this run)",
        f"failed: {summary.failed}",
        f"bounced: {summary.bounced}",
        f"waiting to be retried: {summary.queued}",
        f"still sending elsewhere: {summary.sending}",
        f"possibly duplicated: {summary.possibly_duplicated}"
        f" ({summary.recovered_now} found in this run)",
    ]


def handle_send(command: BaseCommand, options: dict[str, Any]) -> SendSummary:
    series, number = options["series"], options["number"]
    bulletin = (
        Bulletin.objects.select_related("series").filter(series__slug=series, number=number).first()
    )
    if bulletin is None:
        raise CommandError(
            f"--series {series}: there is no issue number {number} in series “{series}” "
            "(see the issues in the admin, or publish the issue first)"
        )
    bar: tqdm[Any] | None = None

    def on_start(before: SendSummary) -> None:
        nonlocal bar
        done = before.sent + before.failed + before.bounced
        bar = tqdm(
            total=before.total,
            initial=done,
            unit="msg",
            desc=f"{bulletin.series.slug} #{bulletin.number}",
            file=sys.stderr,
            disable=None,
            smoothing=0.1,
        )

    def on_progress(outcome: Outcome) -> None:
        if bar is not None:
            bar.update(1)

    def on_notice(text: str) -> None:
        command.stderr.write(text)

    audit_record(actor=COMMAND, action="bulletin.send", target=bulletin)
    try:
        summary = delivery_send(
            bulletin=bulletin,
            workers=options["workers"],
            rate=options["rate"],
            on_progress=on_progress,
            on_notice=on_notice,
            on_start=on_start,
        )
    except ApplicationError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    command.stdout.write(f"{bulletin.series.title} #{bulletin.number}")
    for line in summary_lines(summary):
        command.stdout.write(f"  {line}")
    return summary
