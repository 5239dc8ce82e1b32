"""Django's admin app with Nashr's site (kept apart: app configs load before models)."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class NashrAdminConfig(AdminConfig):
    """Django's admin app with ``NashrAdminSite`` as ``admin.site``."""

    default = False
    default_site = "nashr.accounts.adminsite.NashrAdminSite"
