from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DerivedConfig(AppConfig):
    """Every copy derived from the content, and the changes that bring it up to date."""

    name = "nashr.derived"
    verbose_name = _("Derived copies")

    def ready(self) -> None:
        # Imported here: the handlers' modules import models.
        from nashr.derived.handlers import register

        register()
