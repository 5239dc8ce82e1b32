"""`nashr backup FILE --encrypt-to RECIPIENT_OR_FILE` (or `--unencrypted`): the whole site
in one archive, signed into FILE.sig with the key NASHR_BACKUP_SIGNING_KEY_FILE names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from nashr.backups.services import backup_create
from nashr.core.actors import COMMAND
from nashr.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Write the whole site (every app's rows in one snapshot, and the media files) to a "
        "new archive FILE, encrypted to an age public key with --encrypt-to (refused "
        "without one, unless --unencrypted), and signed into FILE.sig with the key in "
        "NASHR_BACKUP_SIGNING_KEY_FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the archive to write (must not exist)")
        parser.add_argument(
            "--encrypt-to",
            metavar="RECIPIENT_OR_FILE",
            default="",
            help="an age public key (age1…) or a file holding one; the archive can then be "
            "read only with its secret key, which should not be kept on this server",
        )
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="write the archive in clear, every subscriber's address readable (for a "
            "development copy; its name must not end in .age)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(
                actor=COMMAND,
                path=Path(options["file"]),
                recipient=options["encrypt_to"],
                unencrypted=options["unencrypted"],
                progress=options["verbosity"] > 0,
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        if not result.encrypted:
            self.stderr.write(
                _(
                    "The archive is not encrypted and holds every subscriber's address: keep "
                    "it where only you can read it, or use --encrypt-to."
                )
            )
        if result.signature is None:
            self.stderr.write(
                _(
                    "The archive is not signed (NASHR_BACKUP_SIGNING_KEY_FILE is not set): a "
                    "restore cannot tell it from a forgery, and takes it only with "
                    "--accept-unsigned. Make a key with `nashr backup_keygen FILE`."
                )
            )
        else:
            self.stdout.write(
                _("Signed: %(file)s (copy it along with the archive).") % {"file": result.signature}
            )
        self.stdout.write(
            _("%(rows)d rows of %(models)d tables and %(files)d media files: %(file)s (%(size)s).")
            % {
                "rows": result.rows,
                "models": result.models,
                "files": result.media_files,
                "file": result.path,
                "size": filesizeformat(result.size),
            }
        )
