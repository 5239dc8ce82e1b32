from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "nashr.delivery"
    verbose_name = _("Delivery")

    def ready(self) -> None:
        # Subscribers' rules that concern deliveries (see nashr/subscribers/hooks.py).
        from nashr.delivery import selectors, services
        from nashr.subscribers import hooks

        hooks.on_mailing_stopped("delivery", services.delivery_drop_queued)
        hooks.set_message_log(
            hooks.MessageLog(
                count=selectors.subscriber_deliveries_count,
                export=selectors.subscriber_deliveries_export,
            )
        )
