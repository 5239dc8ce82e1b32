"""Django's admin app with Nashr's site (kept apart: app configs load before models)."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class NashrAdminConfig(AdminConfig):
    """Django's admin app with ``NashrAdminSite`` as ``admin.site``."""

    default = False
    default_site = "nashr.accounts.adminsite.NashrAdminSite"

    def ready(self) -> None:
        super().ready()
        from nashr.core.admin import install_admin_display

        # Every date the admin shows in the admin's calendar, third-party admins' too, and
        # its yes/no icons' text in the admin's language.
        install_admin_display()
