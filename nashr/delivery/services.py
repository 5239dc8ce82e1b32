"""Writes to deliveries: queueing an issue's sending and its rows, forgetting what a reader
who left would have been sent, recording bounce reports."""

from __future__ import annotations

import email
import email.message
import email.policy
import mailbox
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from nashr.audit.services import audit_record
from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.actors import Actor, require
from nashr.core.exceptions import ImportFailed, StateError
from nashr.delivery.message import message_id_for
from nashr.delivery.models import Delivery, DeliveryState
from nashr.delivery.selectors import sending_task_status
from nashr.subscribers.models import Subscriber, Subscription
from nashr.subscribers.services import normalize_email, subscriber_record_hard_bounce


def delivery_queue_send(*, actor: Actor, bulletin: Bulletin) -> None:
    """Queue the background task that sends a published issue to its subscribers.

    Refused unless the actor may send bulletins, the issue is published, and no task
    sending it is already waiting or running. The task is queued when the caller's
    transaction commits. (Two tasks for one issue would share its rows and still send no
    message twice, see engine.py; the check spares editors a needless one.)
    """
    require(actor, "delivery.send_bulletin", action="send bulletins to subscribers")
    if bulletin.status != BulletinStatus.PUBLISHED:
        raise StateError(
            _("%(issue)s is not published.") % {"issue": bulletin},
            hint=_("publish it first: only published issues are sent"),
        )
    if sending_task_status(bulletin_id=bulletin.pk) in ("READY", "RUNNING"):
        raise StateError(
            _("%(issue)s is already being sent.") % {"issue": bulletin},
            hint=_("its progress shows on the sendings page"),
        )
    # Imported here: the task module imports the engine, which imports this module.
    from nashr.delivery.tasks import send_bulletin

    bulletin_id = bulletin.pk
    transaction.on_commit(lambda: send_bulletin.enqueue(bulletin_id=bulletin_id))
    audit_record(actor=actor, action="bulletin.send", target=bulletin)


def delivery_drop_queued(*, subscriber_id: int, series_ids: tuple[int, ...] | None) -> None:
    """Forget the messages not yet handed to the mail server for a reader who left.

    `series_ids` None means from every list (the address bounces). Registered with
    subscribers' hooks (see apps.py), which call it when a reader leaves or bounces.
    """
    queued = Delivery.objects.filter(subscriber_id=subscriber_id, state=DeliveryState.QUEUED)
    if series_ids is not None:
        queued = queued.filter(bulletin__series_id__in=list(series_ids))
    queued.delete()


ENQUEUE_RANGE = 20_000
D = Delivery._meta.db_table
SQL_ENQUEUE = (
    f"INSERT INTO {D} (bulletin_id, subscriber_id, state, attempts, last_error,"  # noqa: S608
    f" message_id, next_attempt_at, possibly_duplicated)"
    f" SELECT %s, sub.subscriber_id, 'queued', 0, '',"
    f" CAST(%s AS TEXT) || CAST(sub.subscriber_id AS TEXT) || CAST(%s AS TEXT), %s, FALSE"
    f" FROM {Subscription._meta.db_table} sub"
    f" INNER JOIN {Subscriber._meta.db_table} s ON s.id = sub.subscriber_id"
    f" WHERE sub.series_id = %s AND sub.status = 'confirmed' AND s.status = 'confirmed'"
    f" AND sub.subscriber_id > %s AND sub.subscriber_id <= %s"
    f" {{skip_queued}} ON CONFLICT DO NOTHING"
)
# Rows already queued are skipped before they are built (when the issue has some already);
# the unique constraint is the guard either way.
SQL_SKIP_QUEUED = (
    f"AND NOT EXISTS (SELECT 1 FROM {D} d"  # noqa: S608
    f" WHERE d.bulletin_id = %s AND d.subscriber_id = sub.subscriber_id)"
)


def delivery_enqueue(*, bulletin: Bulletin) -> int:
    """Add a queued row for every confirmed subscriber of the series who has none yet.

    One INSERT … SELECT per range of subscriber ids, each committed on its own: the rows
    never pass through Python, memory stays flat, and an interrupted run leaves rows that
    the next run completes (never twice: one row per issue and subscriber is a constraint).
    """
    bounds = Subscription.objects.filter(series_id=bulletin.series_id).aggregate(
        low=Min("subscriber_id"), high=Max("subscriber_id")
    )
    if bounds["low"] is None:
        return 0
    head, _sep, tail = message_id_for(bulletin_id=bulletin.pk, subscriber_id=0).partition(".0@")
    head, tail = f"{head}.", f"@{tail}"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    resumed = Delivery.objects.filter(bulletin=bulletin).exists()
    sql = SQL_ENQUEUE.format(skip_queued=SQL_SKIP_QUEUED if resumed else "")
    added = 0
    low = bounds["low"] - 1
    while low < bounds["high"]:
        high = low + ENQUEUE_RANGE
        params = [bulletin.pk, head, tail, now, bulletin.series_id, low, high]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [*params, bulletin.pk] if resumed else params)
            added += max(cursor.rowcount, 0)
        low = high
    return added


@dataclass
class BounceReport:
    messages: int = 0
    hard: int = 0
    soft: int = 0
    newly_bounced: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def _original_message_ids(message: email.message.Message) -> set[str]:
    """The Message-IDs of the returned message, from the report's attached headers."""
    found: set[str] = set()
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in ("message/rfc822", "message/rfc822-headers", "text/rfc822-headers"):
            payload = part.get_payload()
            if isinstance(payload, list):
                headers = [item for item in payload if isinstance(item, email.message.Message)]
            else:
                raw = payload if isinstance(payload, str) else ""
                headers = [email.message_from_string(raw)]
            for original in headers:
                value = original.get("Message-ID")
                if value:
                    found.add(str(value).strip())
    return found


def bounce_ingest_message(*, message: email.message.Message, report: BounceReport) -> None:
    """Match one delivery status notification to subscribers and count hard bounces.

    A report already counted (its delivery is marked bounced) is not counted again, so a
    Maildir can be fed twice.
    """
    from flufl.bounce import all_failures

    report.messages += 1
    temporary, permanent = all_failures(message)
    report.soft += len(temporary)
    message_ids = _original_message_ids(message)
    for raw in permanent:
        address = normalize_email(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw)
        subscriber = Subscriber.objects.filter(email=address).first()
        if subscriber is None:
            report.unmatched.append(address)
            continue
        deliveries = Delivery.objects.filter(subscriber=subscriber)
        delivery = deliveries.filter(message_id__in=message_ids).first() if message_ids else None
        if delivery is None:
            delivery = deliveries.filter(state=DeliveryState.SENT).order_by("-sent_at").first()
        if delivery is None:
            report.unmatched.append(address)
            continue
        with transaction.atomic():
            changed = (
                Delivery.objects.filter(pk=delivery.pk)
                .exclude(state=DeliveryState.BOUNCED)
                .update(state=DeliveryState.BOUNCED, last_error="bounce report received")
            )
            if not changed:
                continue
            report.hard += 1
            if subscriber_record_hard_bounce(subscriber_id=subscriber.pk):
                report.newly_bounced.append(address)


def _maildir_messages(path: Path) -> Iterator[email.message.Message]:
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in box.iterkeys():
        with box.get_file(key) as handle:
            data = handle.read()
        yield email.message_from_bytes(data, policy=email.policy.compat32)


def bounces_ingest(*, source: Path | bytes) -> BounceReport:
    """Read a bounce report (bytes) or every message of a Maildir and record the bounces."""
    report = BounceReport()
    messages: Iterable[email.message.Message]
    if isinstance(source, bytes):
        messages = [email.message_from_bytes(source, policy=email.policy.compat32)]
    else:
        if not (source / "cur").is_dir() or not (source / "new").is_dir():
            raise ImportFailed(
                "not a Maildir (it has no cur/ and new/ folders)",
                where=str(source),
                hint="give a Maildir path, or pipe one message on standard input",
            )
        messages = _maildir_messages(source)
    for message in messages:
        bounce_ingest_message(message=message, report=report)
    return report
