"""Writes to deliveries: queueing an issue's sending and its rows, forgetting what a reader
who left would have been sent, recording bounce reports."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from nashr.audit.services import audit_record
from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.actors import Actor, require
from nashr.core.exceptions import StateError
from nashr.core.mail import mail_domain
from nashr.core.maildir import maildir_check, maildir_entries, read_limited
from nashr.core.schedule import check_not_past, run_due_at
from nashr.delivery.message import TOKEN_RE, return_path_tokens
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


@transaction.atomic
def delivery_schedule_send(
    *, actor: Actor, bulletin: Bulletin, send_at: dt.datetime | None
) -> Bulletin:
    """Have the task worker send the issue at `send_at` (None: not scheduled).

    The issue must be published by then: already, or by its own publishing time. A time
    already past is refused (it would send at once: mail cannot be taken back).
    """
    require(actor, "delivery.send_bulletin", action="send bulletins to subscribers")
    current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if send_at is not None:
        if timezone.is_naive(send_at):
            raise StateError("a sending time needs its time zone")
        check_not_past(
            send_at,
            where="send_at",
            hint=_("check the date and the time; to send the issue now, send it instead"),
        )
        if current.status != BulletinStatus.PUBLISHED and (
            current.publish_at is None or current.publish_at > send_at
        ):
            raise StateError(
                _("%(issue)s would not be published by then.") % {"issue": current},
                hint=_("publish it, or give it a publishing time before the sending time"),
            )
    current.send_at = send_at
    current.save(update_fields=["send_at", "updated_at"])
    audit_record(
        actor=actor,
        action="bulletin.schedule_send",
        target=current,
        changes={"send_at": send_at.isoformat() if send_at else None},
    )
    if send_at is not None:
        run_due_at(send_at)
    return current


def delivery_send_if_due(*, actor: Actor, pk: int) -> bool:
    """Queue the sending of the issue `pk` if its sending time has come; whether it was.

    The scheduler's work (nashr.core.schedule), which publishes the issues due to be
    published first: an issue whose publishing time has come too is sent once published.
    """
    with transaction.atomic():
        bulletin = (
            Bulletin.objects.select_for_update()
            .filter(pk=pk, send_at__lte=timezone.now(), status=BulletinStatus.PUBLISHED)
            .first()
        )
        if bulletin is None:
            return False
        Bulletin.objects.filter(pk=pk).update(send_at=None)
        delivery_queue_send(actor=actor, bulletin=bulletin)
    return True


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
    f" CAST(%s AS TEXT) || {{token}} || CAST(%s AS TEXT), %s, FALSE"
    f" FROM {Subscription._meta.db_table} sub"
    f" INNER JOIN {Subscriber._meta.db_table} s ON s.id = sub.subscriber_id"
    f" WHERE sub.series_id = %s AND sub.status = 'confirmed' AND s.status = 'confirmed'"
    f" AND sub.subscriber_id > %s AND sub.subscriber_id <= %s"
    f" {{skip_queued}} ON CONFLICT DO NOTHING"
)
# Each row's Message-ID token: 128 bits from the database's own strong generator, as 32
# lower-case hex digits (message.TOKEN_RE), drawn per row inside the INSERT … SELECT.
# SQLite's randomblob() is its ChaCha20 generator seeded by the operating system
# (3.40+); PostgreSQL's gen_random_uuid() reads pg_strong_random() (122 random bits: a
# version 4 UUID fixes six).
SQL_TOKEN = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "replace(CAST(gen_random_uuid() AS TEXT), '-', '')",
}
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
    head, tail = "<", f"@{mail_domain()}>"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    resumed = Delivery.objects.filter(bulletin=bulletin).exists()
    sql = SQL_ENQUEUE.format(
        token=SQL_TOKEN[connection.vendor], skip_queued=SQL_SKIP_QUEUED if resumed else ""
    )
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


@dataclass(frozen=True)
class Unread:
    """A message left unread, and why; `where` names a Maildir entry by its file."""

    where: str
    reason: str


@dataclass
class BounceReport:
    messages: int = 0
    hard: int = 0
    soft: int = 0
    newly_bounced: list[str] = field(default_factory=list)
    # The addresses of permanent failures that answer no message sent (forged, or not ours).
    unmatched: list[str] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)


# A report answers one message; a few more are tolerated (a digest of reports), no flood.
MAX_MESSAGES_PER_REPORT = 20
MESSAGE_ID_RE = re.compile(rf"<{TOKEN_RE}@[^<>\s]+>")


def _answered_deliveries(raw: bytes) -> list[Delivery]:
    """The sent messages that a report proves it answers.

    The proof is a message's own token: its Message-ID quoted anywhere in the report (the
    returned headers, a quoted original), or its return path (the report was sent to
    `bounces+{token}@…`, and the receiving server names that address in To,
    Delivered-To or X-Original-To). Tokens are random (see message.py): only who saw the
    message knows it. Addresses named in the report prove nothing, so they decide nothing.
    """
    text = raw.decode("latin-1")
    message_ids = set(MESSAGE_ID_RE.findall(text)[:MAX_MESSAGES_PER_REPORT])
    domain = mail_domain()
    tokens = sorted(return_path_tokens(text))[:MAX_MESSAGES_PER_REPORT]
    message_ids.update(f"<{token}@{domain}>" for token in tokens)
    if not message_ids:
        return []
    return list(
        Delivery.objects.filter(
            message_id__in=message_ids, state__in=[DeliveryState.SENT, DeliveryState.BOUNCED]
        ).select_related("subscriber")
    )


def bounce_ingest_message(*, raw: bytes, report: BounceReport) -> None:
    """Count a delivery status notification's permanent failure against the reader of the
    message it answers.

    Only a report that proves which sent message it answers (`_answered_deliveries`)
    changes anything, and only for that message's reader: a report that merely names an
    address, as anyone can write one, is listed as unmatched. A report already counted
    (its delivery is marked bounced) is not counted again, so a Maildir can be fed twice.
    """
    from flufl.bounce import all_failures

    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    temporary, permanent = all_failures(message)
    report.messages += 1
    report.soft += len(temporary)
    if not permanent:
        return
    deliveries = _answered_deliveries(raw)
    if not deliveries:
        report.unmatched.extend(
            normalize_email(address.decode("utf-8", "replace"))
            if isinstance(address, bytes)
            else normalize_email(address)
            for address in permanent
        )
        return
    for delivery in deliveries:
        with transaction.atomic():
            changed = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENT).update(
                state=DeliveryState.BOUNCED, last_error="bounce report received"
            )
            if not changed:
                continue
            report.hard += 1
            if subscriber_record_hard_bounce(subscriber_id=delivery.subscriber_id):
                report.newly_bounced.append(delivery.subscriber.email)


def _ingest_one(*, where: str, raw: bytes, report: BounceReport) -> None:
    """One message, whatever it holds: a failure is reported, and the next one is read."""
    limit = settings.NASHR_BOUNCE_MAX_BYTES
    if len(raw) > limit:
        report.unread.append(
            Unread(where, f"larger than NASHR_BOUNCE_MAX_BYTES ({limit} bytes), skipped")
        )
        return
    try:
        bounce_ingest_message(raw=raw, report=report)
    except RecursionError:
        # The email package parses nested parts recursively (a bomb of nested multiparts).
        report.unread.append(Unread(where, "nested too deeply to be read, skipped"))
    except DatabaseError:
        raise  # not the message's fault: stop, as any other command would
    except Exception as exc:  # the parser's and flufl.bounce's, for malformed input
        report.unread.append(Unread(where, f"cannot be read ({type(exc).__name__}: {exc})"))


def bounces_ingest(*, source: Path | bytes) -> BounceReport:
    """Read a bounce report (bytes) or every message of a Maildir and record the bounces.

    At most NASHR_BOUNCE_MAX_BYTES are read of any message; a larger one, or one that
    cannot be parsed, is listed in `unread` and the others are read all the same.
    """
    report = BounceReport()
    if isinstance(source, bytes):
        _ingest_one(where="standard input", raw=source, report=report)
        return report
    maildir_check(source)
    limit = settings.NASHR_BOUNCE_MAX_BYTES
    for where, path in maildir_entries(source):
        try:
            raw = read_limited(path, limit)
        except OSError as exc:
            report.unread.append(Unread(where, f"cannot be opened ({exc.strerror})"))
            continue
        _ingest_one(where=where, raw=raw, report=report)
    return report
