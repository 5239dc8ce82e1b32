"""`nashr check --deploy`: the backup keys are set, and readable by whoever runs it.

The guide runs the check as the service user after every upgrade: an installation
upgraded from a Nashr that did not sign its backups learns here that it should.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.utils.translation import gettext as _

from nashr.backups.archive import load_recipient
from nashr.backups.signing import (
    SIGNING_SETTING,
    VERIFY_SETTING,
    load_signing_key,
    load_verify_keys,
)
from nashr.core.exceptions import ValidationError

GUIDE = "docs/deploy.md, 8. Backups"
RECIPIENT_SETTING = "NASHR_BACKUP_RECIPIENT"


def backup_keys_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A warning for each backup signing key not set; an error for a key set that cannot be
    used, and for a missing encryption key (the backup unit would fail every night)."""
    problems: list[CheckMessage] = []
    recipient = settings.NASHR_BACKUP_RECIPIENT
    if not recipient:
        problems.append(
            Error(
                _(
                    "%(setting)s is not set: the backup unit refuses to write an archive "
                    "in clear, so no backup is made."
                )
                % {"setting": RECIPIENT_SETTING},
                hint=_("make a key pair with age-keygen and give its public key (%(guide)s)")
                % {"guide": GUIDE},
                id="nashr_backups.E003",
            )
        )
    else:
        try:
            load_recipient(recipient)
        except ValidationError as exc:
            problems.append(
                Error(
                    f"{RECIPIENT_SETTING}: {exc.message}",
                    hint=_(
                        "an age public key is age1 and 58 more letters and digits, printed by "
                        "age-keygen (%(guide)s)"
                    )
                    % {"guide": GUIDE},
                    id="nashr_backups.E004",
                )
            )
    signing_file = settings.NASHR_BACKUP_SIGNING_KEY_FILE
    if not signing_file:
        problems.append(
            Warning(
                _(
                    "%(setting)s is not set: backups are not signed, and a restore cannot "
                    "tell them from a forgery."
                )
                % {"setting": SIGNING_SETTING},
                hint=_("make a key with `nashr backup_keygen FILE` (%(guide)s)") % {"guide": GUIDE},
                id="nashr_backups.W001",
            )
        )
    else:
        try:
            load_signing_key(Path(signing_file))
        except ValidationError as exc:
            problems.append(Error(str(exc), id="nashr_backups.E001"))
    verify_value = settings.NASHR_BACKUP_VERIFY_KEY
    if not verify_value:
        problems.append(
            Warning(
                _("%(setting)s is not set: no backup can be restored without --accept-unsigned.")
                % {"setting": VERIFY_SETTING},
                hint=_("give it this server's public key (%(guide)s)") % {"guide": GUIDE},
                id="nashr_backups.W002",
            )
        )
    else:
        try:
            load_verify_keys(verify_value)
        except ValidationError as exc:
            problems.append(Error(str(exc), id="nashr_backups.E002"))
    return problems
