"""`nashr restore FILE [--identity KEYFILE] [--accept-unsigned]`: bring a backup back into
an empty database, once its signature (FILE.sig) is checked with NASHR_BACKUP_VERIFY_KEY."""

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
        "new (made by `nashr migrate`, nothing added), and its empty MEDIA_ROOT. The "
        "archive's signature (FILE.sig) is checked first, with the public key in "
        "NASHR_BACKUP_VERIFY_KEY, then the whole archive; nothing is written unless all of "
        "it restores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the archive made by `nashr backup`")
        parser.add_argument(
            "--identity",
            metavar="KEYFILE",
            default=None,
            help="the age secret key file (from age-keygen) of an encrypted archive",
        )
        parser.add_argument(
            "--accept-unsigned",
            action="store_true",
            help="restore an archive whose origin cannot be checked (made before backups "
            "were signed: no FILE.sig, or no NASHR_BACKUP_VERIFY_KEY); a signature that does "
            "not match is refused all the same",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identity = Path(options["identity"]) if options["identity"] else None
        try:
            result = backup_restore(
                actor=COMMAND,
                path=Path(options["file"]),
                identity=identity,
                accept_unsigned=options["accept_unsigned"],
                progress=options["verbosity"] > 0,
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        if result.unverified:
            self.stderr.write(
                _(
                    "Warning: the archive's origin was not checked (%(reason)s); it was "
                    "restored because of --accept-unsigned. Anyone who could write to where "
                    "it was kept could have made it: check the site's staff accounts and "
                    "content before opening it."
                )
                % {"reason": result.unverified}
            )
        else:
            self.stdout.write(
                _("Signature checked: signed by %(key)s.") % {"key": result.signed_by}
            )
        self.stdout.write(_("Made at %(when)s.") % {"when": result.created_at})
        self.stdout.write(
            _("Restored %(rows)d rows of %(models)d tables and %(files)d media files.")
            % {"rows": result.rows, "models": result.models, "files": result.media_files}
        )
