"""`nashr federation deliver`: send what is due now (also what a crashed worker left)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from nashr.federation import delivery


class Command(BaseCommand):
    help = "Fediverse: send the deliveries due now, taking back those a crash left 'sending'."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("action", choices=["deliver"])

    def handle(self, *args: Any, **options: Any) -> None:
        summary = delivery.deliveries_run()
        self.stdout.write(json.dumps(asdict(summary)))
