from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "nashr.media"
    label = "media"
    verbose_name = _("Images and attachments")

    def ready(self) -> None:
        # `media:ID` references in any Markdown become this app's images and links.
        from nashr.core.content import set_media_resolver
        from nashr.media.references import MediaReferences

        set_media_resolver(MediaReferences())
