from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportersConfig(AppConfig):
    name = "nashr.importers"
    label = "importers"
    verbose_name = _("Importers")

    def ready(self) -> None:
        from nashr.core.demo import DemoPart, demo_part_register
        from nashr.importers import demo

        # The demo's publications are brought in as an organization's old site would be.
        demo_part_register(DemoPart(name="publications", load=demo.load))
