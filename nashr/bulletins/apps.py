from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "nashr.bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        from nashr.bulletins import selectors, services
        from nashr.core.schedule import DueJob, due_job_register

        due_job_register(
            DueJob(
                name="bulletin.publish",
                due=selectors.bulletins_due,
                run=services.bulletin_publish_if_due,
            )
        )
