"""Reads of subscriber data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from nashr.bulletins.models import Series
from nashr.subscribers import hooks
from nashr.subscribers.models import Subscriber, Subscription


def series_for_form() -> QuerySet[Series]:
    """The lists a reader can choose in the subscribe form."""
    return Series.objects.order_by("language", "title")


class SubscribeFormPreload:
    """The footer's subscribe form for a rendering of many pages (``core.preload``).

    Every public page shows the same form in its language; making it (a query and a form)
    costs a millisecond and a half, a minute of a mirror build of tens of thousands of
    pages. While this preload is active, ``{% subscribe_form %}`` renders each language's
    form once and keeps it here, keyed by (language, prefix).
    """

    def __init__(self) -> None:
        self.rendered: dict[tuple[str, str], SafeString] = {}


def subscriber_subscriptions(*, subscriber: Subscriber) -> QuerySet[Subscription]:
    return subscriber.subscriptions.select_related("series").order_by("series__title")


def subscriber_messages_count(*, subscriber: Subscriber) -> int:
    """How many messages are recorded as sent (or to be sent) to the subscriber."""
    return hooks.messages_count(subscriber)


def subscriber_data(*, subscriber: Subscriber) -> dict[str, Any]:
    """Everything stored about one subscriber, as they may download it."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "status": subscriber.status,
        "consented_at": iso(subscriber.consented_at),
        "consent_basis": subscriber.consent_basis,
        "confirmed_at": iso(subscriber.confirmed_at),
        "hard_bounces": subscriber.hard_bounces,
        "lists": [
            {
                "series": subscription.series.slug,
                "title": subscription.series.title,
                "status": subscription.status,
                "consented_at": iso(subscription.consented_at),
                "confirmed_at": iso(subscription.confirmed_at),
            }
            for subscription in subscriber_subscriptions(subscriber=subscriber)
        ],
        # Confirmations asked for by mail: the token itself is not stored, only when.
        "mail_confirmations": [
            {
                "series": token.series.slug,
                "mailed_at": iso(token.created_at),
                "used_at": iso(token.used_at),
            }
            for token in subscriber.mail_tokens.select_related("series").order_by("created_at")
        ],
        "deliveries": hooks.messages_export(subscriber),
    }
