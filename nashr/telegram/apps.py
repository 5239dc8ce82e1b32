from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramConfig(AppConfig):
    name = "nashr.telegram"
    label = "telegram"
    verbose_name = _("Telegram")

    def ready(self) -> None:
        from nashr.publications import hooks
        from nashr.telegram import selectors

        # The publication's admin page says where it was posted (nashr/publications/hooks.py).
        hooks.admin_section_register("telegram", selectors.publication_posts_section)
