"""`nashr restore FILE [--identity KEYFILE]`: bring a backup back into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nashr.backups.services import backup_restore
from nashr.core.actors import COMMAND
from nashr.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Restore an archive made by `nashr backup` into this site's database, which must be "
        "new (made by `nashr migrate`, nothing added), and its empty MEDIA_ROOT. The whole "
        "archive is checked first; nothing is written unless all of it restores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the archive made by `nashr backup`")
        parser.add_argument(
            "--identity",
            metavar="KEYFILE",
            default=None,
            help="the age secret key file (from age-keygen) of an encrypted archive",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identity = Path(options["identity"]) if options["identity"] else None
        try:
            result = backup_restore(
                actor=COMMAND,
                path=Path(options["file"]),
                identity=identity,
                progress=options["verbosity"] > 0,
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored %(rows)d rows of %(models)d tables and %(files)d media files.")
            % {"rows": result.rows, "models": result.models, "files": result.media_files}
        )
