from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "nashr.delivery"
    verbose_name = _("Delivery")

    def ready(self) -> None:
        from nashr.core.schedule import DueJob, due_job_register
        from nashr.delivery import selectors, services
        from nashr.subscribers import hooks

        # Subscribers' rules that concern deliveries (see nashr/subscribers/hooks.py).
        hooks.on_mailing_stopped("delivery", services.delivery_drop_queued)
        hooks.set_message_log(
            hooks.MessageLog(
                count=selectors.subscriber_deliveries_count,
                export=selectors.subscriber_deliveries_export,
            )
        )
        # Sent at its time, once published (at its own time, if that has come too).
        due_job_register(
            DueJob(
                name="bulletin.send",
                due=selectors.bulletins_due_to_send,
                run=services.delivery_send_if_due,
                after=("bulletin.publish",),
            )
        )
