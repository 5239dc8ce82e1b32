"""The sending engine: workers that claim one message at a time and commit every change.

Crash safety. A worker's state changes for a message are committed before and after the
SMTP transaction, and the commit that records one message as sent is the same that claims
the next one ('queued' → 'sending'). So each worker has at most one row in 'sending', and a
row is in 'sending' exactly while its message may be inside an SMTP transaction. After a
kill -9 those rows are found again, marked "possibly duplicated" and sent again; every
other row is either sent (never again) or queued (not yet sent).

Claims. On PostgreSQL a worker claims with SELECT … FOR UPDATE SKIP LOCKED, so workers
and other `send` processes never take the same row; each worker holds a session advisory
lock named by its key, which tells whether the owner of a 'sending' row is still alive.
SQLite has one writer: every claim is a write transaction (BEGIN IMMEDIATE) taken under
one lock per process, and a lock file next to the database lets one sending process at a
time work on it, so any 'sending' row not held by this process belongs to a dead one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.exceptions import StateError
from nashr.delivery.message import IssueMessage, Recipient
from nashr.delivery.models import Delivery, DeliveryState
from nashr.delivery.services import delivery_enqueue
from nashr.delivery.transport import Outcome, Result, make_transport
from nashr.subscribers.models import Subscriber
from nashr.subscribers.services import subscriber_record_hard_bounce

logger = logging.getLogger(__name__)

ADVISORY_CLASS = 0x4E5348  # "NSH": the first key of the advisory locks this engine takes
# Raw SQL on the hot path (one commit per message): table names come from the models.
D = Delivery._meta.db_table
S = Subscriber._meta.db_table
SQL_CLAIM = (
    f"SELECT d.id, d.subscriber_id, d.message_id, s.email, d.attempts"  # noqa: S608
    f" FROM {D} d INNER JOIN {S} s ON s.id = d.subscriber_id"
    f" WHERE d.bulletin_id = %s AND d.state = 'queued' AND d.next_attempt_at <= %s"
    f" AND s.status = 'confirmed' ORDER BY d.id LIMIT 1"
)
SQL_MARK_SENDING = (
    f"UPDATE {D} SET state = 'sending', attempts = attempts + 1, claimed_by = %s"  # noqa: S608
    f" WHERE id = %s"
)
SQL_MARK_SENT = (
    f"UPDATE {D} SET state = 'sent', sent_at = %s, last_error = '', claimed_by = NULL"  # noqa: S608
    f" WHERE id = %s"
)
SQL_MARK_FAILED = (
    f"UPDATE {D} SET state = 'failed', last_error = %s, claimed_by = NULL"  # noqa: S608
    f" WHERE id = %s"
)
SQL_MARK_RETRY = (
    f"UPDATE {D} SET state = 'queued', last_error = %s, claimed_by = NULL,"  # noqa: S608
    f" next_attempt_at = %s, possibly_duplicated = (possibly_duplicated OR %s) WHERE id = %s"
)


@dataclass
class SendSummary:
    total: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    queued: int = 0
    sending: int = 0
    possibly_duplicated: int = 0
    # This run only:
    sent_now: int = 0
    recovered_now: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def delivery_summary(*, bulletin: Bulletin) -> SendSummary:
    counts = dict(
        Delivery.objects.filter(bulletin=bulletin)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return SendSummary(
        total=sum(counts.values()),
        sent=counts.get(DeliveryState.SENT, 0),
        failed=counts.get(DeliveryState.FAILED, 0),
        bounced=counts.get(DeliveryState.BOUNCED, 0),
        queued=counts.get(DeliveryState.QUEUED, 0),
        sending=counts.get(DeliveryState.SENDING, 0),
        possibly_duplicated=Delivery.objects.filter(
            bulletin=bulletin, possibly_duplicated=True
        ).count(),
    )


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def _single_sender(on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """On SQLite, one sending process per database file (see the module docstring)."""
    if _is_postgres():
        yield
        return
    name = str(connection.settings_dict["NAME"])
    if "mode=memory" in name or name == ":memory:":
        yield
        return
    with open(f"{name}.send-lock", "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait("another process is sending from this database; waiting for it")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class Sender:
    def __init__(
        self,
        *,
        bulletin: Bulletin,
        workers: int = 1,
        rate: float | None = None,
        on_progress: Callable[[Outcome], None] | None = None,
        on_notice: Callable[[str], None] | None = None,
        on_start: Callable[[SendSummary], None] | None = None,
    ) -> None:
        if bulletin.status != BulletinStatus.PUBLISHED:
            raise StateError(
                f"issue {bulletin} is a draft", where="NUMBER", hint="publish it before sending"
            )
        if workers < 1:
            raise StateError("--workers must be at least 1", where="--workers")
        if rate is not None and rate <= 0:
            raise StateError("--rate must be a positive number of messages per second")
        self.bulletin = bulletin
        self.workers = workers
        self.interval = 1.0 / rate if rate else 0.0
        self.on_progress = on_progress
        self.on_notice = on_notice
        self.on_start = on_start
        self.stop_event = threading.Event()
        self.postgres = _is_postgres()
        # SQLite: the process' single writer; PostgreSQL needs none.
        self.db_lock: contextlib.AbstractContextManager[Any] = (
            contextlib.nullcontext() if self.postgres else threading.Lock()
        )
        self.live_keys: set[int] = set()
        self.keys_lock = threading.Lock()
        self.rate_lock = threading.Lock()
        self.next_slot = 0.0
        self.counter_lock = threading.Lock()
        self.sent_now = 0
        self.recovered_now = 0
        self.errors: list[BaseException] = []
        self.message: IssueMessage | None = None
        self.retry_base = float(settings.NASHR_SEND_RETRY_BASE)
        self.max_attempts = int(settings.NASHR_SEND_MAX_ATTEMPTS)
        self._sql_claim = SQL_CLAIM + (" FOR UPDATE OF d SKIP LOCKED" if self.postgres else "")

    # -- the run ------------------------------------------------------------------------

    def run(self) -> SendSummary:
        with _single_sender(self.on_notice):
            delivery_enqueue(bulletin=self.bulletin)
            self._recover()
            self.message = IssueMessage(bulletin=self.bulletin)
            if self.on_start is not None:
                self.on_start(delivery_summary(bulletin=self.bulletin))
            threads = [
                threading.Thread(target=self._worker, name=f"nashr-send-{index}", daemon=True)
                for index in range(self.workers)
            ]
            for thread in threads:
                thread.start()
            try:
                for thread in threads:
                    while thread.is_alive():
                        thread.join(0.2)
            except KeyboardInterrupt:
                # Each worker finishes its message and records it; nothing is left 'sending'.
                self.stop_event.set()
                for thread in threads:
                    thread.join()
                raise
        if self.errors:
            raise self.errors[0]
        summary = delivery_summary(bulletin=self.bulletin)
        summary.sent_now = self.sent_now
        summary.recovered_now = self.recovered_now
        return summary

    def stop(self) -> None:
        self.stop_event.set()

    # -- one worker ---------------------------------------------------------------------

    def _worker(self) -> None:
        key = random.randint(1, 2**31 - 1)  # noqa: S311 - an identifier, not a secret
        transport = make_transport()
        pending: tuple[Recipient, int, Outcome] | None = None
        try:
            if self.postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_CLASS, key])
            with self.keys_lock:
                self.live_keys.add(key)
            assert self.message is not None
            while True:
                stopping = self.stop_event.is_set()
                claimed = self._step(key, pending, claim=not stopping)
                pending = None
                if claimed is None:
                    if stopping:
                        break
                    wait = self._idle()
                    if wait is None:
                        break
                    self.stop_event.wait(wait)
                    continue
                recipient, attempts = claimed
                self._throttle()
                outcome = transport.send(recipient, self.message)
                pending = (recipient, attempts, outcome)
        except BaseException as exc:  # a bug or a database failure: stop every worker
            logger.exception("sending worker failed")
            self.errors.append(exc)
            self.stop_event.set()
            if pending is not None:
                with contextlib.suppress(Exception):
                    self._step(key, pending, claim=False)
        finally:
            transport.close()
            with self.keys_lock:
                self.live_keys.discard(key)
            connection.close()

    def _step(
        self, key: int, pending: tuple[Recipient, int, Outcome] | None, *, claim: bool
    ) -> tuple[Recipient, int] | None:
        """One commit: record the last message's outcome and claim the next message."""
        permanent_for: int | None = None
        claimed: tuple[Recipient, int] | None = None
        now = timezone.now()
        with self.db_lock, transaction.atomic(), connection.cursor() as cursor:
            if pending is not None:
                permanent_for = self._record(cursor, key, pending, now)
                if permanent_for is not None:
                    subscriber_record_hard_bounce(subscriber_id=permanent_for)
            if claim:
                adapt = connection.ops.adapt_datetimefield_value
                cursor.execute(self._sql_claim, [self.bulletin.pk, adapt(now)])
                row = cursor.fetchone()
                if row is not None:
                    cursor.execute(SQL_MARK_SENDING, [key, row[0]])
                    recipient = Recipient(
                        delivery_id=row[0], subscriber_id=row[1], message_id=row[2], email=row[3]
                    )
                    claimed = (recipient, row[4] + 1)
        if pending is not None and self.on_progress is not None:
            self.on_progress(pending[2])
        return claimed

    def _record(
        self, cursor: Any, key: int, pending: tuple[Recipient, int, Outcome], now: dt.datetime
    ) -> int | None:
        recipient, attempts, outcome = pending
        adapt = connection.ops.adapt_datetimefield_value
        if outcome.result is Result.SENT:
            cursor.execute(SQL_MARK_SENT, [adapt(now), recipient.delivery_id])
            with self.counter_lock:
                self.sent_now += 1
            return None
        error = outcome.error[:2000]
        if outcome.result is Result.PERMANENT or attempts >= self.max_attempts:
            cursor.execute(SQL_MARK_FAILED, [error, recipient.delivery_id])
            return recipient.subscriber_id if outcome.result is Result.PERMANENT else None
        delay = min(self.retry_base * 2 ** (attempts - 1), 6 * 3600)
        cursor.execute(
            SQL_MARK_RETRY,
            [
                error,
                adapt(now + dt.timedelta(seconds=delay)),
                outcome.maybe_delivered,
                recipient.delivery_id,
            ],
        )
        return None

    def _throttle(self) -> None:
        if not self.interval:
            return
        with self.rate_lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        if slot > now:
            time.sleep(slot - now)

    def _idle(self) -> float | None:
        """Nothing to claim now: seconds until a retry is due, or None when all is done."""
        if self._recover():
            return 0.0
        with self.db_lock:
            waiting = (
                Delivery.objects.filter(
                    bulletin=self.bulletin,
                    state=DeliveryState.QUEUED,
                    subscriber__status="confirmed",
                )
                .order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True)
                .first()
            )
        if waiting is None:
            return None
        return max(0.05, min((waiting - timezone.now()).total_seconds(), 1.0))

    # -- after a crash ------------------------------------------------------------------

    def _recover(self) -> int:
        """Put back the 'sending' rows of dead senders, marked possibly duplicated."""
        with self.db_lock:
            owners = set(
                Delivery.objects.filter(bulletin=self.bulletin, state=DeliveryState.SENDING)
                .values_list("claimed_by", flat=True)
                .distinct()
            )
        with self.keys_lock:
            owners -= self.live_keys
        recovered = 0
        for owner in owners:
            recovered += self._recover_owner(owner)
        if recovered:
            with self.counter_lock:
                self.recovered_now += recovered
            if self.on_notice:
                self.on_notice(
                    f"{recovered} message(s) were being sent when a sender stopped;"
                    " they are sent again and counted as possibly duplicated"
                )
        return recovered

    def _recover_owner(self, owner: int | None) -> int:
        rows = Delivery.objects.filter(
            bulletin=self.bulletin, state=DeliveryState.SENDING, claimed_by=owner
        )
        values = {
            "state": DeliveryState.QUEUED,
            "possibly_duplicated": True,
            "claimed_by": None,
            "next_attempt_at": timezone.now(),
        }
        if owner is None or not self.postgres:
            with self.db_lock, transaction.atomic():
                return rows.update(**values)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_CLASS, owner])
            (dead,) = cursor.fetchone()
            if not dead:
                return 0
            try:
                with transaction.atomic():
                    return rows.update(**values)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_CLASS, owner])


def delivery_send(
    *,
    bulletin: Bulletin,
    workers: int = 1,
    rate: float | None = None,
    on_progress: Callable[[Outcome], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    on_start: Callable[[SendSummary], None] | None = None,
) -> SendSummary:
    """Send a published issue to its series' confirmed subscribers; resumable at any point."""
    return Sender(
        bulletin=bulletin,
        workers=workers,
        rate=rate,
        on_progress=on_progress,
        on_notice=on_notice,
        on_start=on_start,
    ).run()


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
