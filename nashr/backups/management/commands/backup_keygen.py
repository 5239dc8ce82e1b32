"""`nashr backup_keygen KEYFILE`: a new key to sign backups with; prints its public key.
`nashr backup_keygen --public KEYFILE`: the public key of an existing one."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nashr.backups.signing import fingerprint, key_generate, load_signing_key, public_line
from nashr.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Make the Ed25519 key this server signs its backups with (NASHR_BACKUP_SIGNING_KEY_FILE) "
        "in the new file KEYFILE, and print its public key (for NASHR_BACKUP_VERIFY_KEY on "
        "the server that will restore). With --public, print the public key of KEYFILE."
    )

    # Run as root while the key is set up (to write to /etc/nashr), before the rest of
    # the site need be: it reads no database and no other setting.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("keyfile", metavar="KEYFILE", help="the private key's file")
        parser.add_argument(
            "--public",
            action="store_true",
            help="print the public key of the existing KEYFILE instead of making one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["keyfile"])
        try:
            key = load_signing_key(path) if options["public"] else key_generate(path)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        public = key.public_key()
        if not options["public"]:
            self.stderr.write(
                _(
                    "Written: %(file)s (%(fingerprint)s). It stays on this server; the public "
                    "key below goes to NASHR_BACKUP_VERIFY_KEY and off the server, with the "
                    "age secret key."
                )
                % {"file": path, "fingerprint": fingerprint(public)}
            )
        self.stdout.write(public_line(public, f"nashr-backup@{socket.gethostname()}"))
