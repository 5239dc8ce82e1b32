"""`nashr mirror build OUTDIR [--base-url URL]` and `nashr mirror push OUTDIR s3://bucket/prefix`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nashr.core.exceptions import ApplicationError
from nashr.mirror.build import mirror_build
from nashr.mirror.push import mirror_push


class Command(BaseCommand):
    help = (
        "Write the public site as static files that any host, onion service or USB stick "
        "can serve (build), and upload what changed to S3-compatible storage (push)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        build = actions.add_parser("build", help="write or update the mirror in OUTDIR")
        build.add_argument("outdir", type=Path)
        build.add_argument(
            "--base-url", default="", help="the address the mirror is served from (sitemap.xml)"
        )
        build.add_argument(
            "--forms",
            choices=["primary", "note"],
            help="forms that need the server: sent to the site, or a note (NASHR_MIRROR_FORMS)",
        )
        build.add_argument("--full", action="store_true", help="render every page again")
        build.add_argument("--json", action="store_true", help="print the summary as JSON")
        push = actions.add_parser("push", help="upload what changed in OUTDIR to S3")
        push.add_argument("outdir", type=Path)
        push.add_argument("target", help="s3://bucket/prefix")
        push.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "build":
                summary = mirror_build(
                    outdir=options["outdir"],
                    base_url=options["base_url"],
                    forms=options["forms"],
                    full=options["full"],
                )
                result = summary.as_dict()
                text = (
                    f"{result['written']} written, {result['unchanged']} unchanged, "
                    f"{result['removed']} removed ({'full' if summary.full else 'incremental'}"
                    f" build, {result['seconds']} s)"
                )
                for problem in summary.problems:
                    self.stderr.write(f"warning: {problem}")
            else:
                pushed = mirror_push(outdir=options["outdir"], target=options["target"])
                result = pushed.as_dict()
                text = (
                    f"{result['uploaded']} uploaded, {result['unchanged']} unchanged, "
                    f"{result['deleted']} deleted"
                )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result) if options["json"] else text)
