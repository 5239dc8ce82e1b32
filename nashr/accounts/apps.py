from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from nashr.accounts.services import roles_sync

    roles_sync(using=using)


class AccountsConfig(AppConfig):
    name = "nashr.accounts"
    verbose_name = _("Accounts")
    default = True

    def ready(self) -> None:
        from nashr.accounts import demo
        from nashr.core.demo import DemoPart, demo_part_register

        # Once per migrate (and per test-database flush): the roles follow roles.py.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="nashr.accounts.roles")
        demo_part_register(DemoPart(name="accounts", load=demo.load))
