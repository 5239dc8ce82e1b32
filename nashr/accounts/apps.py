from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
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
        # Every way of logging in (the admin's form, the passkey step) starts the session's
        # absolute lifetime and counts as a recent authentication (accounts/sessions.py).
        from nashr.accounts.sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="nashr.accounts.sessions")
        _name_third_party_models()
        _name_roles()


def _name_roles() -> None:
    """A role (a group) named in the admin's language wherever Django shows a group.

    The groups are stored under their English names, which roles.py keeps in step
    (``roles_sync``); Django's titles, breadcrumbs, delete pages and history show
    ``str(group)``, so that is where the name is translated.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from nashr.accounts.roles import role_label

    def named(group: Group) -> str:
        return role_label(group.name)

    Group.__str__ = named  # type: ignore[assignment,method-assign]  # see above
    links = (
        (get_user_model().groups.through, _("role of an account"), _("roles of accounts")),
        (Group.permissions.through, _("permission of a role"), _("permissions of roles")),
    )
    for through, singular, plural in links:
        through._meta.verbose_name = singular
        through._meta.verbose_name_plural = plural


def _name_third_party_models() -> None:
    """Third-party sections and models named in the admin's language.

    Their own names are code ("Otp_Totp") or untranslatable English ("TOTP device"), and
    the admin shows them in titles, breadcrumbs, delete summaries and permission names.
    Only the names shown are changed, not the models' declared options (``original_attrs``),
    so no migration of theirs is asked for.
    """
    from django.apps import apps

    from nashr.accounts.adminsite import THIRD_PARTY_APPS, THIRD_PARTY_MODEL_NAMES

    for label, name in THIRD_PARTY_APPS.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for (label, model_name), (singular, plural) in THIRD_PARTY_MODEL_NAMES.items():
        try:
            opts = apps.get_model(label, model_name)._meta
        except LookupError:
            continue
        opts.verbose_name = singular
        opts.verbose_name_plural = plural
