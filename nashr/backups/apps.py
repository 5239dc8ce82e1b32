from __future__ import annotations

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from nashr.backups.checks import backup_keys_check


class BackupsConfig(AppConfig):
    """Backups of the whole site: every app's rows and the media files, in one archive."""

    name = "nashr.backups"
    verbose_name = _("Backups")

    def ready(self) -> None:
        checks.register(backup_keys_check, checks.Tags.security, deploy=True)
