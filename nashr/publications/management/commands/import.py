"""`nashr import PATH...`: publications from Markdown, HTML and text files, all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nashr.core.commands import actor_from_options, add_actor_argument
from nashr.core.exceptions import ApplicationError, ImportFailed
from nashr.publications.importer import Defaults, publications_import
from nashr.publications.models import Status


class Command(BaseCommand):
    help = (
        "Import publications from Markdown files with front matter, HTML files and plain "
        "text files (first line is the title), and directories of them. UTF-8 and "
        "Windows-1256 are read. Every problem of every file is reported; if there is any, "
        "nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything and report; save nothing"
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="pass over files whose version (translation key + language) or legacy "
            "path is already in the database, instead of failing",
        )
        parser.add_argument(
            "--create-signatories",
            action="store_true",
            help="create signatories that do not exist yet, named as the files write them",
        )
        add_actor_argument(parser)
        defaults = parser.add_argument_group("values for files that do not give them")
        defaults.add_argument("--kind", default="", help="kind slug, e.g. statement")
        defaults.add_argument("--language", default="", help="fa or en (else detected)")
        defaults.add_argument("--date", default="", help="YYYY-MM-DD")
        defaults.add_argument("--calendar", default="gregorian", choices=["gregorian", "jalali"])
        defaults.add_argument("--signatory", default="", help="slug or name")
        defaults.add_argument("--status", default=Status.PUBLISHED, choices=Status.values)

    def handle(self, *args: Any, **options: Any) -> None:
        defaults = Defaults(
            kind=options["kind"],
            language=options["language"],
            date=options["date"],
            calendar=options["calendar"],
            signatory=options["signatory"],
            status=options["status"],
        )
        try:
            report = publications_import(
                actor=actor_from_options(options),
                paths=options["paths"],
                defaults=defaults,
                dry_run=options["dry_run"],
                skip_existing=options["skip_existing"],
                create_signatories=options["create_signatories"],
                progress=options["verbosity"] > 0,
            )
        except ImportFailed as failed:
            for problem in failed.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(failed)) from failed
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc

        verb = "would create" if report.dry_run else "created"
        for entry in report.created:
            publication = entry.publication
            number = "" if report.dry_run or publication is None else f" #{publication.pk}"
            relation = ""
            if entry.translation_of is not None:
                original = entry.translation_of
                original_title = original.title
                relation = f", translation of “{original_title}”"
            detected = " (detected)" if entry.language_detected else ""
            self.stdout.write(
                f"{verb}{number}: {entry.language}{detected} {entry.kind.slug} "
                f"“{entry.title}” {entry.date.isoformat()} {entry.status}{relation} "
                f"[{entry.path}, {entry.encoding}]"
            )
        for path, reason in report.skipped:
            self.stdout.write(f"skipped: {path}: {reason}")
        done = "would be created" if report.dry_run else "created"
        summary = f"{len(report.created)} publication(s) {done}, {len(report.skipped)} skipped" + (
            " (dry run: nothing saved)" if report.dry_run else ""
        )
        self.stdout.write(self.style.SUCCESS(summary))
