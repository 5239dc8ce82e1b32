from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "nashr.comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        # The importers (in publications, which cannot import this app) bring comments in.
        from nashr.comments.services import comments_import
        from nashr.publications.hooks import set_comment_importer

        set_comment_importer(comments_import)
