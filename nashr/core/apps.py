from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nashr.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from nashr.core import catalogues, checks  # noqa: F401 - registers the checks

        catalogues.install()
        connection_created.connect(_register_sqlite_functions)


def _register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite's connections learn `fold_for_contains` (core.spelling)."""
    if connection.vendor == "sqlite":
        from nashr.core.spelling import SQLITE_FUNCTION, sqlite_fold_for_contains

        connection.connection.create_function(
            SQLITE_FUNCTION, 1, sqlite_fold_for_contains, deterministic=True
        )
