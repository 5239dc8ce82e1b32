"""`nashr import`: publications from files, a WordPress export, a Drupal 7 database or feeds.

    nashr import PATH...                      Markdown, HTML and text files
    nashr import FILE.xml                     a WordPress export (known by its content)
    nashr import --from-drupal7 DATABASE_URL  a Drupal 7 database
    nashr import --from-feed FILE_OR_DIR      RSS/Atom files
    nashr import --redirects FILE.csv         extra old addresses (old_path,new_path)

Every one is all or nothing, and has --dry-run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nashr.core.calendars import PLAUSIBLE_YEARS
from nashr.core.commands import actor_from_options, add_actor_argument
from nashr.core.exceptions import ApplicationError, ImportFailed
from nashr.importers.drupal7 import drupal7_import
from nashr.importers.entries import Defaults
from nashr.importers.feeds import feeds_import
from nashr.importers.items import Options as SourceOptions
from nashr.importers.items import read_kind_map, report_lines
from nashr.importers.redirects import redirects_import
from nashr.importers.run import publications_import
from nashr.importers.wordpress import is_wxr, wordpress_import
from nashr.publications.models import Status


class Command(BaseCommand):
    help = (
        "Import publications from Markdown files with front matter, HTML files and plain "
        "text files (first line is the title), and directories of them; or from a WordPress "
        "export (FILE.xml), a Drupal 7 database (--from-drupal7) or RSS/Atom feeds "
        "(--from-feed), with their old addresses; or a CSV of old addresses (--redirects). "
        "Every problem is reported; if one blocks the import, nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="files or directories, or one WordPress export (.xml)",
        )
        sources = parser.add_argument_group("other sources")
        sources.add_argument(
            "--from-drupal7",
            metavar="DATABASE_URL",
            help="a Drupal 7 database: mysql://user:password@host/name, "
            "postgres://…, or sqlite:///path",
        )
        sources.add_argument(
            "--from-feed", metavar="FILE_OR_DIR", help="RSS or Atom files (.xml, .rss, .atom)"
        )
        sources.add_argument(
            "--redirects",
            metavar="FILE.csv",
            help="old addresses to answer: old_path,new_path (an empty new path, or 410, "
            "for a page removed on purpose)",
        )
        sources.add_argument(
            "--kind-map",
            metavar="FILE",
            help="“label = kind” lines: post_type:page, category:SLUG (WordPress), "
            "type:TYPE, category:TERM (Drupal 7), category:TERM (feeds); default = KIND",
        )
        sources.add_argument(
            "--uploads",
            metavar="DIR",
            help="the old site's uploads folder (wp-content/uploads, sites/default/files): "
            "images are taken from it, their metadata (GPS…) removed",
        )
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
            "--skip-other-languages",
            action="store_true",
            help="an old site's items in a language this site does not publish "
            "(NASHR_LANGUAGES) are left out and listed, instead of failing the import",
        )
        parser.add_argument(
            "--create-signatories",
            action="store_true",
            help="create signatories that do not exist yet, named as the files write them",
        )
        add_actor_argument(parser)
        defaults = parser.add_argument_group("values for files that do not give them")
        defaults.add_argument("--kind", default="", help="kind slug, e.g. statement")
        defaults.add_argument(
            "--language", default="", help="one of NASHR_LANGUAGES (else detected from the script)"
        )
        defaults.add_argument("--date", default="", help="YYYY-MM-DD")
        defaults.add_argument("--calendar", default="gregorian", choices=list(PLAUSIBLE_YEARS))
        defaults.add_argument("--signatory", default="", help="slug or name")
        defaults.add_argument("--status", default=Status.PUBLISHED, choices=Status.values)

    @contextmanager
    def refusals(self) -> Iterator[None]:
        """Every problem of a failed import printed, then the command fails cleanly."""
        try:
            yield
        except ImportFailed as failed:
            # A refused dry run still says what the rest would give.
            for line in failed.report:
                self.stdout.write(line)
            for problem in failed.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(failed)) from failed
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc

    def handle(self, *args: Any, **options: Any) -> None:
        with self.refusals():
            if self.other_source(options):
                return
        if not options["paths"]:
            raise CommandError(
                "nothing to import: name files, a WordPress export, --from-drupal7, "
                "--from-feed or --redirects"
            )
        defaults = Defaults(
            kind=options["kind"],
            language=options["language"],
            date=options["date"],
            calendar=options["calendar"],
            signatory=options["signatory"],
            status=options["status"],
        )
        with self.refusals():
            report = publications_import(
                actor=actor_from_options(options),
                paths=options["paths"],
                defaults=defaults,
                dry_run=options["dry_run"],
                skip_existing=options["skip_existing"],
                create_signatories=options["create_signatories"],
                progress=options["verbosity"] > 0,
            )

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

    def other_source(self, options: dict[str, Any]) -> bool:
        """Run an import other than of files; False when the paths are files to import."""
        actor = actor_from_options(options)
        if options["redirects"]:
            counts = redirects_import(
                actor=actor, path=Path(options["redirects"]), dry_run=options["dry_run"]
            )
            verb = "would answer" if options["dry_run"] else "answer"
            self.stdout.write(
                self.style.SUCCESS(
                    f"old addresses: {counts['moved']} {verb} 301, {counts['gone']} {verb} 410"
                )
            )
            return True
        source = SourceOptions(
            kind_map=read_kind_map(Path(options["kind_map"])) if options["kind_map"] else {},
            kind=options["kind"],
            create_signatories=options["create_signatories"],
            uploads=Path(options["uploads"]) if options["uploads"] else None,
            dry_run=options["dry_run"],
            progress=options["verbosity"] > 0,
            skip_other_languages=options["skip_other_languages"],
        )
        if options["from_drupal7"]:
            report = drupal7_import(actor=actor, url=options["from_drupal7"], options=source)
        elif options["from_feed"]:
            report = feeds_import(actor=actor, path=Path(options["from_feed"]), options=source)
        elif len(options["paths"]) == 1 and options["paths"][0].lower().endswith(".xml"):
            path = Path(options["paths"][0])
            if not is_wxr(path):
                raise ImportFailed(
                    f"{path}: not a WordPress export",
                    hint="for an RSS or Atom feed use --from-feed",
                )
            report = wordpress_import(actor=actor, path=path, options=source)
        else:
            return False
        for line in report_lines(report):
            self.stdout.write(line)
        if report.dry_run:
            self.stdout.write(self.style.SUCCESS("dry run: nothing saved"))
        return True
