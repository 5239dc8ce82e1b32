from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "nashr.bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        from nashr.bulletins import demo, selectors, services
        from nashr.core.demo import DemoPart, demo_part_register
        from nashr.core.schedule import DueJob, due_job_register

        due_job_register(
            DueJob(
                name="bulletin.publish",
                due=selectors.bulletins_due,
                run=services.bulletin_publish_if_due,
            )
        )
        # The demo issues are made of the demo publications.
        demo_part_register(DemoPart(name="bulletins", load=demo.load, after=("publications",)))
