from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "nashr.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Imported here: models may be imported only once every app is loaded.
        from nashr.publications.hooks import on_publication_changed
        from nashr.search.services import search_index_many, search_index_update

        on_publication_changed(search_index_update, bulk=search_index_many)
