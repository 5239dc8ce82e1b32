from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """Backups of the whole site: every app's rows and the media files, in one archive."""

    name = "nashr.backups"
    verbose_name = _("Backups")
