from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class MirrorConfig(AppConfig):
    name = "nashr.mirror"
    verbose_name = _("Static mirror")

    def ready(self) -> None:
        from nashr.mirror.checks import stemmer_ports_check

        checks.register(stemmer_ports_check)
