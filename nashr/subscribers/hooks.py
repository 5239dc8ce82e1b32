"""What the apps above subscribers keep about a subscriber, reached without importing them.

Delivery depends on subscribers (it mails them), never the reverse. Two of subscribers'
rules still concern delivery's records, so delivery registers its part here from
`DeliveryConfig.ready()`:

- a subscriber who leaves lists, or whose address bounces, is sent nothing more from
  them: every `on_mailing_stopped` hook runs in the same transaction as the change;
- a subscriber may see and download everything stored about them: `message_log` says
  how many messages are recorded for them and exports those records.

Deleting a subscriber needs no hook: every record about them has a foreign key to the
subscriber with `on_delete=CASCADE`, so the database erases them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from nashr.subscribers.models import Subscriber


class MailingStopped(Protocol):
    def __call__(self, *, subscriber_id: int, series_ids: tuple[int, ...] | None) -> None:
        """Forget what was to be mailed; `series_ids` None means from every list."""


@dataclass(frozen=True)
class MessageLog:
    """The record of messages sent to subscribers (kept by the delivery app)."""

    count: Callable[[Subscriber], int]
    export: Callable[[Subscriber], list[dict[str, Any]]]


_mailing_stopped: dict[str, MailingStopped] = {}
_message_log: list[MessageLog] = []


def on_mailing_stopped(name: str, hook: MailingStopped) -> None:
    """Register `hook` under `name` (registering a name again replaces its hook)."""
    _mailing_stopped[name] = hook


def set_message_log(log: MessageLog) -> None:
    _message_log[:] = [log]


def mailing_stopped(*, subscriber_id: int, series_ids: tuple[int, ...] | None) -> None:
    for hook in _mailing_stopped.values():
        hook(subscriber_id=subscriber_id, series_ids=series_ids)


def messages_count(subscriber: Subscriber) -> int:
    return sum(log.count(subscriber) for log in _message_log)


def messages_export(subscriber: Subscriber) -> list[dict[str, Any]]:
    return [record for log in _message_log for record in log.export(subscriber)]
