"""`nashr send_bulletin NUMBER --series SLUG ...`: the same as `nashr bulletin send`."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from nashr.delivery.management.commands._send import add_send_arguments, handle_send


class Command(BaseCommand):
    help = "Send a published issue to its series' confirmed subscribers (resumable)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_send_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        handle_send(self, options)
