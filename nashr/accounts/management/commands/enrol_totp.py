"""`nashr enrol_totp USERNAME`: give a staff user a TOTP device for two-factor login."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nashr.accounts import services
from nashr.core.actors import COMMAND
from nashr.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Create a confirmed TOTP device for a staff user and print its otpauth:// URI "
        "(and a QR code to scan) once. An existing device of the same name is replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="the device's name")
        parser.add_argument(
            "--backup-codes",
            type=int,
            default=0,
            metavar="N",
            help="also create N single-use backup codes (replacing earlier ones)",
        )
        parser.add_argument("--no-qr", action="store_true", help="print the URI only")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(
                f"no user “{options['username']}” (create one with `nashr createsuperuser`)"
            ) from exc
        try:
            enrolment = services.totp_enrol(
                actor=COMMAND, user=user, name=options["name"], backup_codes=options["backup_codes"]
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"TOTP device “{options['name']}” for {user.get_username()}. Add it to an "
            "authenticator app; this secret is not shown again:"
        )
        self.stdout.write(enrolment.config_url)
        if not options["no_qr"]:
            self.stdout.write(terminal_qr(enrolment.config_url))
        if enrolment.backup_codes:
            self.stdout.write("Backup codes (each works once; keep them offline):")
            for code in enrolment.backup_codes:
                self.stdout.write(f"  {code}")


def terminal_qr(data: str) -> str:
    import qrcode

    qr = qrcode.QRCode(border=2)
    qr.add_data(data)
    buffer = io.StringIO()
    qr.print_ascii(out=buffer, invert=True)
    return buffer.getvalue()
