from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "nashr.bulletins"
    verbose_name = _("Bulletins")
