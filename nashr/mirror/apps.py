from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MirrorConfig(AppConfig):
    name = "nashr.mirror"
    verbose_name = _("Static mirror")

    def ready(self) -> None:
        from nashr.mirror.tasks import rebuild_after_change, rebuild_after_changes
        from nashr.publications.hooks import on_publication_changed

        on_publication_changed(rebuild_after_change, bulk=rebuild_after_changes)
