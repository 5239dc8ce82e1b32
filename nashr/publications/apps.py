from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "nashr.publications"
    verbose_name = _("Publications")

    def ready(self) -> None:
        from nashr.publications.hooks import on_publication_changed
        from nashr.publications.services import publication_pages_changed

        on_publication_changed(publication_pages_changed)
