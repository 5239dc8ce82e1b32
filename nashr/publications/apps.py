from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "nashr.publications"
    verbose_name = _("Publications")

    def ready(self) -> None:
        from nashr.core.schedule import DueJob, due_job_register
        from nashr.publications import selectors, services

        due_job_register(
            DueJob(
                name="publication.publish",
                due=selectors.publications_due,
                run=services.publication_publish_if_due,
            )
        )
