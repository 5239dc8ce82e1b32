"""The sending engine: workers that commit every message's state as it changes.

Crash safety. Rows are leased to a sending process in small batches (claimed_by = the
process' key; they stay 'queued', so a crash loses nothing: the lease is simply dropped).
Each worker then commits 'queued' → 'sending' before a message's content goes to the
server and 'sending' → 'sent' after the server's 250, in the same commit that marks its
next message 'sending'. So each worker (each SMTP connection) has at most one row in
'sending', and a row is in 'sending' whenever its message may have reached the server.
(With PIPELINING the next message's envelope, MAIL/RCPT/DATA, travels with the current
message's content, while the next row is still 'queued': an envelope without content
delivers nothing, and if that message cannot follow, the connection is cut off before its
content; see smtp.py.) After a kill -9 the next run finds the 'sending' rows, marks them
"possibly duplicated" and sends them again; every other row is either sent (never again)
or queued (not sent yet).

Claims. On PostgreSQL a batch is leased with SELECT … FOR UPDATE SKIP LOCKED, so two
processes never lease the same row, and each process holds a session advisory lock named
by its key, which tells whether the owner of a lease or of a 'sending' row is alive.
SQLite has one writer: every write transaction takes the write lock when it starts
(BEGIN IMMEDIATE, or a single writing statement), under one lock per process, and a lock
file next to the database lets one sending process at a time work on it, so any lease or
'sending' row not held by this process belongs to a dead one.

Speed. With SMTP, one thread drives all the connections (see Sender._lanes): no GIL is
handed back and forth between workers, and it works on whichever connection has its
replies first; a message costs one round trip (its content and the next envelope in one
write). The per-message commit goes through the database driver's own connection (no ORM):
one UPDATE of the two rows, alone in autocommit mode (on PostgreSQL one round trip; on
SQLite, WAL with synchronous=NORMAL, one implicit transaction). Other mail backends
(providers' HTTP APIs) get one thread per worker.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import fcntl
import logging
import random
import select
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.exceptions import StateError
from nashr.delivery.message import IssueMessage, Recipient
from nashr.delivery.models import Delivery, DeliveryState
from nashr.delivery.services import delivery_enqueue
from nashr.delivery.transport import (
    SMTP_BACKEND,
    Outcome,
    Result,
    SmtpTransport,
    make_transport,
)
from nashr.subscribers.models import Subscriber
from nashr.subscribers.services import subscriber_record_hard_bounce

logger = logging.getLogger(__name__)

ADVISORY_CLASS = 0x4E5348  # "NSH": the first key of the advisory locks this engine takes
LEASE_BATCH = 64
DEFAULT_CONNECTIONS = 4
WAL_FRAMES_WHILE_SENDING = 10_000  # SQLite: 40 MB of write-ahead log at most (4 kB pages)
# Raw SQL on the hot path; table names come from the models, values are parameters.
D = Delivery._meta.db_table
S = Subscriber._meta.db_table
SQL_LEASE_SELECT = (
    f"SELECT d.id, d.subscriber_id, d.message_id, s.email FROM {D} d"  # noqa: S608
    f" INNER JOIN {S} s ON s.id = d.subscriber_id"
    f" WHERE d.bulletin_id = %s AND d.state = 'queued' AND d.claimed_by IS NULL"
    f" AND d.next_attempt_at <= %s AND d.id > %s AND s.status = 'confirmed'"
    f" ORDER BY d.id LIMIT {LEASE_BATCH}"
)
SQL_LEASE = f"UPDATE {D} SET claimed_by = %s WHERE id IN ({{ids}})"  # noqa: S608
SQL_MARK_SENDING = (
    f"UPDATE {D} SET state = 'sending', attempts = attempts + 1"  # noqa: S608
    f" WHERE id = %s AND state = 'queued' AND claimed_by = %s"
)
SQL_MARK_FAILED = (
    f"UPDATE {D} SET state = 'failed', last_error = %s, claimed_by = NULL"  # noqa: S608
    f" WHERE id = %s AND claimed_by = %s"
)
SQL_MARK_RETRY = (
    f"UPDATE {D} SET state = 'queued', last_error = %s, claimed_by = NULL,"  # noqa: S608
    f" next_attempt_at = %s, possibly_duplicated = (possibly_duplicated OR %s)"
    f" WHERE id = %s AND claimed_by = %s"
)
SQL_ATTEMPTS = f"SELECT attempts FROM {D} WHERE id = %s"  # noqa: S608
SQL_HELD = f"SELECT 1 FROM {D} WHERE id = %s AND state = 'sending' AND claimed_by = %s"  # noqa: S608
# The common step as one statement, so one implicit transaction (autocommit): the last
# message 'sending' → 'sent' and the next one 'queued' → 'sending' (either id may be NULL).
# RETURNING tells whether the next one was still there to claim (SQLite: the row count).
SQL_STEP = (
    f"UPDATE {D} SET"  # noqa: S608
    f" state = CASE WHEN id = %s THEN 'sent' ELSE 'sending' END,"
    f" sent_at = CASE WHEN id = %s THEN CURRENT_TIMESTAMP ELSE sent_at END,"
    f" last_error = CASE WHEN id = %s THEN '' ELSE last_error END,"
    f" claimed_by = CASE WHEN id = %s THEN NULL ELSE claimed_by END,"
    f" attempts = CASE WHEN id = %s THEN attempts ELSE attempts + 1 END"
    f" WHERE claimed_by = %s AND (id = %s OR (id = %s AND state = 'queued'))"
    f" RETURNING id"
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
    """How an issue's sending stands (one pass over its rows)."""
    rows = (
        Delivery.objects.filter(bulletin=bulletin)
        .values_list("state")
        .annotate(n=Count("id"), flagged=Count("id", filter=Q(possibly_duplicated=True)))
        .values_list("state", "n", "flagged")
    )
    counts = {state: n for state, n, _flagged in rows}
    return SendSummary(
        total=sum(counts.values()),
        sent=counts.get(DeliveryState.SENT, 0),
        failed=counts.get(DeliveryState.FAILED, 0),
        bounced=counts.get(DeliveryState.BOUNCED, 0),
        queued=counts.get(DeliveryState.QUEUED, 0),
        sending=counts.get(DeliveryState.SENDING, 0),
        possibly_duplicated=sum(flagged for _state, _n, flagged in rows),
    )


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _in_memory_database() -> bool:
    """An in-memory SQLite database (tests): its connections share one cache, and there a
    writer makes the others fail at once instead of waiting."""
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and ("mode=memory" in name or name == ":memory:")


@contextlib.contextmanager
def _single_sender(on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """On SQLite, one sending process per database file (see the module docstring)."""
    if _is_postgres() or _in_memory_database():
        yield
        return
    name = str(connection.settings_dict["NAME"])
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


class _Raw:
    """This thread's database connection, used through its driver for the hot path."""

    def __init__(self, postgres: bool) -> None:
        connection.ensure_connection()
        self.connection: Any = connection.connection
        self.begin = "BEGIN" if postgres else "BEGIN IMMEDIATE"
        self.sqlite = not postgres
        self.sql: dict[str, str] = {}
        self.cursor: Any = self.connection.cursor()
        self.step = self.q(SQL_STEP)
        self.step_sqlite = self.q(SQL_STEP.removesuffix(" RETURNING id"))
        self.held = self.q(SQL_HELD)
        if self.sqlite and not _in_memory_database():
            # Copy the write-ahead log into the database (and sync it) every 10,000 pages
            # rather than every 1,000: a tenth of the pauses, each a few milliseconds.
            self.connection.execute(f"PRAGMA wal_autocheckpoint={WAL_FRAMES_WHILE_SENDING}")

    def q(self, sql: str) -> str:
        """The driver's placeholder style (SQLite's is ?)."""
        if not self.sqlite:
            return sql
        cached = self.sql.get(sql)
        if cached is None:
            cached = self.sql[sql] = sql.replace("%s", "?")
        return cached

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        cursor = self.connection.cursor()
        cursor.execute(self.begin)
        try:
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")


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
        # The key naming this process' leases and 'sending' rows.
        self.key = random.randint(1, 2**31 - 1)  # noqa: S311 - an identifier, not a secret
        # SQLite: the process' single writer; PostgreSQL needs none.
        self.db_lock: contextlib.AbstractContextManager[Any] = (
            contextlib.nullcontext() if self.postgres else threading.Lock()
        )
        self.lease_lock = threading.Lock()
        self.leased: collections.deque[Recipient] = collections.deque()
        self.lease_after = 0  # keyset: leases go on from the last id leased
        self.leases_dry = False  # the last lease found nothing
        self.finished = False  # nothing is left to send: no row is leased either
        self.rate_lock = threading.Lock()
        self.next_slot = 0.0
        self.counter_lock = threading.Lock()
        self.sent_now = 0
        self.recovered_now = 0
        self.errors: list[BaseException] = []
        self.message: IssueMessage | None = None
        self.retry_base = float(settings.NASHR_SEND_RETRY_BASE)
        self.max_attempts = int(settings.NASHR_SEND_MAX_ATTEMPTS)
        self.sql_lease_select = SQL_LEASE_SELECT + (
            " FOR UPDATE OF d SKIP LOCKED" if self.postgres else ""
        )

    # -- the run ------------------------------------------------------------------------

    def run(self) -> SendSummary:
        with _single_sender(self.on_notice), self._alive():
            self.message = self._prepare()
            if self.on_start is not None:
                self.on_start(delivery_summary(bulletin=self.bulletin))
            if settings.EMAIL_BACKEND == SMTP_BACKEND:
                # One thread drives every SMTP connection (see _lanes).
                threads = [threading.Thread(target=self._lanes, name="nashr-send", daemon=True)]
            else:
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
            finally:
                self._release_leases()
        if self.errors:
            raise self.errors[0]
        summary = delivery_summary(bulletin=self.bulletin)
        summary.sent_now = self.sent_now
        summary.recovered_now = self.recovered_now
        return summary

    def stop(self) -> None:
        self.stop_event.set()

    def _prepare(self) -> IssueMessage:
        """Queue a row for every recipient and render the message, both at once where the
        database lets two connections work together (SQLite's writes run without the GIL)."""
        if _in_memory_database():
            delivery_enqueue(bulletin=self.bulletin)
            message = IssueMessage(bulletin=self.bulletin)
        else:
            errors: list[BaseException] = []

            def enqueue() -> None:
                try:
                    delivery_enqueue(bulletin=self.bulletin)
                except BaseException as exc:  # raised again in this thread
                    errors.append(exc)
                finally:
                    connection.close()

            thread = threading.Thread(target=enqueue, name="nashr-enqueue", daemon=True)
            thread.start()
            try:
                message = IssueMessage(bulletin=self.bulletin)
            finally:
                thread.join()
            if errors:
                raise errors[0]
        self._recover()
        return message

    @contextlib.contextmanager
    def _alive(self) -> Iterator[None]:
        """On PostgreSQL, hold the advisory lock that says this process is alive."""
        if not self.postgres:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_CLASS, self.key])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_CLASS, self.key])

    def _release_leases(self) -> None:
        if self.finished and not self.errors:
            return
        with self.db_lock:
            Delivery.objects.filter(
                bulletin=self.bulletin, state=DeliveryState.QUEUED, claimed_by=self.key
            ).update(claimed_by=None)

    # -- one worker ---------------------------------------------------------------------

    def _worker(self) -> None:
        transport = make_transport()
        pending: tuple[Recipient, Outcome] | None = None
        try:
            raw = _Raw(self.postgres)
            assert self.message is not None
            while True:
                recipient = None if self.stop_event.is_set() else self._next(raw)
                if recipient is None:
                    self._commit(raw, pending, None)
                    pending = None
                    if not self._pause():
                        break
                    continue
                claimed = self._commit(raw, pending, recipient)
                pending = None
                if not claimed:  # unsubscribed or deleted since it was leased
                    continue
                self._throttle()
                pending = (recipient, transport.send(recipient, self.message))
        except BaseException as exc:  # a bug or a database failure: stop every worker
            logger.exception("sending worker failed")
            self.errors.append(exc)
            self.stop_event.set()
            if pending is not None:
                with contextlib.suppress(Exception):
                    self._commit(_Raw(self.postgres), pending, None)
        finally:
            transport.close()
            connection.close()

    def _lanes(self) -> None:
        """SMTP: one thread drives all the connections (lanes).

        A transaction goes in three steps (envelope; message; the server's answer), and
        the thread takes the next step of whichever connection has its replies first, so
        while a server reads or answers, the thread records, builds or sends another
        message; with one thread, no time goes to handing the GIL back and forth. With
        PIPELINING a message's content carries the next message's envelope, whose replies
        then come with the message's answer. Each lane keeps the worker's rule: its last
        message's outcome and its next message's 'sending' are committed together before
        that message's content is sent.
        """
        lanes = [_Lane(SmtpTransport()) for _index in range(self.workers)]
        try:
            raw = _Raw(self.postgres)
            message = self.message
            assert message is not None
            while True:
                for lane in lanes:
                    if lane.in_flight():
                        continue
                    pending = lane.take()
                    while True:
                        if self.stop_event.is_set():
                            recipient, wire = None, None
                        elif lane.next is not None:
                            (recipient, wire), lane.next = lane.next, None
                        else:
                            recipient, wire = self._next(raw), None
                        claimed = self._commit(raw, pending, recipient)
                        pending = None
                        if recipient is None or claimed:
                            break
                        # Unsubscribed since it was leased: if its envelope went ahead, the
                        # server waits for its content, so the connection is cut off.
                        if lane.transport.ahead == recipient.delivery_id:
                            lane.transport.abandon()
                    if recipient is None:
                        if lane.transport.ahead is not None:  # stopping: nothing follows
                            lane.transport.abandon()
                        continue
                    self._throttle()
                    ahead = lane.transport.ahead == recipient.delivery_id
                    lane.begin(recipient, message, wire)
                    if ahead and lane.in_flight():
                        # The envelope went ahead: its replies came with the last answer.
                        self._send_content(raw, lane, message)
                waiting = [lane for lane in lanes if lane.in_flight()]
                if waiting:
                    # The step of whichever connection has its replies first; the work
                    # no server waits for (building the next messages, leasing) is done
                    # while none has any.
                    chore = self._chore(lanes)
                    ready = _ready_lane(waiting, 0.0 if chore else 0.05)
                    if ready is None:
                        if chore:
                            self._do_chore(raw, chore, message)
                            continue
                        ready = waiting[0]
                    if ready.stage == 1:
                        self._send_content(raw, ready, message)
                    else:
                        ready.outcome = ready.transport.end()
                    continue
                if any(lane.recipient is not None for lane in lanes):
                    continue  # an outcome to record (the connection failed at once)
                if not self._pause():
                    break
        except BaseException as exc:  # a bug or a database failure: stop
            logger.exception("sending thread failed")
            self.errors.append(exc)
            self.stop_event.set()
            # Outcomes known but not yet recorded; a message still in flight stays 'sending'.
            done = [lane.take() for lane in lanes if lane.outcome is not None]
            with contextlib.suppress(Exception):
                raw = _Raw(self.postgres)
                for pending in done:
                    self._commit(raw, pending, None)
        finally:
            for lane in lanes:
                lane.transport.close()
            connection.close()

    def _send_content(self, raw: _Raw, lane: _Lane, message: IssueMessage) -> None:
        """A lane's envelope replies, then its message, with the next one's envelope.

        The next message is a leased row, still 'queued': only its envelope goes out now
        (see smtp.py); its 'sending' is committed, as for any message, after this one's
        answer and before its content. The next message itself is built later, while no
        server waits for anything (see _chore()).
        """
        following = None if self.stop_event.is_set() else self._next(raw)
        lane.outcome = lane.transport.middle(following, message.envelope_from)
        lane.stage = 2
        if following is not None:
            lane.next = (following, None)

    def _chore(self, lanes: list[_Lane]) -> _Lane | bool | None:
        """Work ahead of need: a lane whose next message is to be built, True when the
        leased rows have run out (a batch to lease), or None."""
        for lane in lanes:
            if lane.next is not None and lane.next[1] is None:
                return lane
        if not self.leased and not self.leases_dry and not self.stop_event.is_set():
            return True
        return None

    def _do_chore(self, raw: _Raw, chore: _Lane | bool, message: IssueMessage) -> None:
        if isinstance(chore, _Lane):
            assert chore.next is not None
            recipient = chore.next[0]
            chore.next = (recipient, message.as_wire(recipient))
        else:
            with self.lease_lock:
                self._lease(raw)

    def _next(self, raw: _Raw) -> Recipient | None:
        """The next leased recipient, leasing a new batch when none is left."""
        with self.lease_lock:
            if not self.leased:
                self._lease(raw)
            return self.leased.popleft() if self.leased else None

    def _lease(self, raw: _Raw) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        for after in (self.lease_after, 0):  # from where the last batch ended, then rows
            with self.db_lock, raw.transaction() as cursor:  # put back for a retry
                cursor.execute(raw.q(self.sql_lease_select), [self.bulletin.pk, now, after])
                rows = cursor.fetchall()
                if rows:
                    ids = ", ".join(["%s"] * len(rows))
                    cursor.execute(
                        raw.q(SQL_LEASE.format(ids=ids)), [self.key, *(row[0] for row in rows)]
                    )
            self.leases_dry = not rows
            if rows:
                self.lease_after = max(self.lease_after, rows[-1][0])
                self.leased.extend(
                    Recipient(delivery_id=r[0], subscriber_id=r[1], message_id=r[2], email=r[3])
                    for r in rows
                )
                return
            if after == 0:
                return

    def _commit(
        self, raw: _Raw, pending: tuple[Recipient, Outcome] | None, claim: Recipient | None
    ) -> bool:
        """One commit: the last message's outcome, and the next message marked 'sending'."""
        if pending is None and claim is None:
            return False
        claimed = False
        permanent_for: int | None = None
        if pending is None or pending[1].result is Result.SENT:
            done = pending[0].delivery_id if pending is not None else None
            next_id = claim.delivery_id if claim is not None else None
            params = [done, done, done, done, done, self.key, done, next_id]
            with self.db_lock:
                if raw.sqlite:
                    # The same single statement in autocommit mode. A writing statement
                    # takes SQLite's write lock when it starts (as BEGIN IMMEDIATE would),
                    # waiting for other writers, so it reads and writes one snapshot.
                    changed = raw.connection.execute(raw.step_sqlite, params).rowcount
                    claimed = next_id is not None
                    if claimed and changed != (done is not None) + 1:
                        # Fewer rows than asked: was the next one claimed? (Rare: its reader
                        # left, or the last one's row went with its reader's data.)
                        held = raw.connection.execute(raw.held, (next_id, self.key)).fetchone()
                        claimed = held is not None
                else:  # one statement in autocommit mode: one round trip, one transaction
                    raw.cursor.execute(raw.step, params)
                    changed = raw.cursor.fetchall()
                    claimed = next_id is not None and any(row[0] == next_id for row in changed)
            if pending is not None:
                with self.counter_lock:
                    self.sent_now += 1
                if self.on_progress is not None:
                    self.on_progress(pending[1])
            return claimed
        with self.db_lock, raw.transaction() as cursor:
            if pending is not None:
                permanent_for = self._record(raw, cursor, *pending)
            if claim is not None:
                cursor.execute(raw.q(SQL_MARK_SENDING), [claim.delivery_id, self.key])
                claimed = cursor.rowcount == 1
        if permanent_for is not None:
            # Counted after the commit: a crash in between forgets one count, never a state.
            with self.db_lock:
                subscriber_record_hard_bounce(subscriber_id=permanent_for)
        if pending is not None and self.on_progress is not None:
            self.on_progress(pending[1])
        return claimed

    def _record(self, raw: _Raw, cursor: Any, recipient: Recipient, outcome: Outcome) -> int | None:
        """A failed attempt: queued again after a delay, or failed for good."""
        adapt = connection.ops.adapt_datetimefield_value
        now = timezone.now()
        error = outcome.error[:2000]
        cursor.execute(raw.q(SQL_ATTEMPTS), [recipient.delivery_id])
        row = cursor.fetchone()
        attempts = row[0] if row else self.max_attempts
        if outcome.result is Result.PERMANENT or attempts >= self.max_attempts:
            cursor.execute(raw.q(SQL_MARK_FAILED), [error, recipient.delivery_id, self.key])
            return recipient.subscriber_id if outcome.result is Result.PERMANENT else None
        delay = min(self.retry_base * 2 ** (attempts - 1), 6 * 3600)
        cursor.execute(
            raw.q(SQL_MARK_RETRY),
            [
                error,
                adapt(now + dt.timedelta(seconds=delay)),
                outcome.maybe_delivered,
                recipient.delivery_id,
                self.key,
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

    def _pause(self) -> bool:
        """Nothing to send now: wait until a retry is due. False when stopping, or when
        everything is done (then no row is leased either: see _release_leases())."""
        if self.stop_event.is_set():
            return False
        wait = self._idle()
        if wait is None:
            self.finished = True
            return False
        self.stop_event.wait(wait)
        return True

    def _idle(self) -> float | None:
        """Nothing to lease now: seconds until a retry is due, or None when all is done."""
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
        """Take back the leases and 'sending' rows of dead senders (the latter flagged)."""
        held = Q(state=DeliveryState.SENDING) | Q(
            state=DeliveryState.QUEUED, claimed_by__isnull=False
        )
        with self.db_lock:
            owners = set(
                Delivery.objects.filter(held, bulletin=self.bulletin)
                .exclude(claimed_by=self.key)
                .values_list("claimed_by", flat=True)
                .distinct()
            )
        recovered = sum(self._recover_owner(owner) for owner in owners)
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
        rows = Delivery.objects.filter(bulletin=self.bulletin, claimed_by=owner)

        def take_back() -> int:
            rows.filter(state=DeliveryState.QUEUED).update(claimed_by=None)
            return rows.filter(state=DeliveryState.SENDING).update(
                state=DeliveryState.QUEUED,
                possibly_duplicated=True,
                claimed_by=None,
                next_attempt_at=timezone.now(),
            )

        if owner is None or not self.postgres:
            with self.db_lock:
                return take_back()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_CLASS, owner])
            (dead,) = cursor.fetchone()
            if not dead:
                return 0
            try:
                return take_back()
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_CLASS, owner])


class _Lane:
    """One SMTP connection driven by _lanes, and the message it carries."""

    def __init__(self, transport: SmtpTransport) -> None:
        self.transport = transport
        self.recipient: Recipient | None = None
        self.outcome: Outcome | None = None  # None while the transaction goes on
        self.stage = 0  # 1: the envelope is sent; 2: the message is sent
        # The next message, built while the server takes in this one.
        self.next: tuple[Recipient, bytes | None] | None = None
        self.fd = -1  # the connection's socket while a transaction goes on

    def in_flight(self) -> bool:
        return self.recipient is not None and self.outcome is None

    def begin(self, recipient: Recipient, message: IssueMessage, wire: bytes | None) -> None:
        self.recipient = recipient
        self.outcome = self.transport.begin(recipient, message, wire)
        self.stage = 1
        self.fd = self.fileno()

    def fileno(self) -> int:
        connection = self.transport.connection
        return connection.sock.fileno() if connection and connection.sock else -1

    def take(self) -> tuple[Recipient, Outcome] | None:
        """The finished message and its outcome, to be recorded; the lane is free again."""
        if self.recipient is None or self.outcome is None:
            return None
        pending = (self.recipient, self.outcome)
        self.recipient = self.outcome = None
        return pending


def _ready_lane(waiting: list[_Lane], timeout: float) -> _Lane | None:
    """The first of the connections to have something to read within `timeout` seconds.

    Only the order changes: a step always reads with the connection's own timeout, so on
    None the caller may step any of them. (A reply already read into smtplib's buffer is
    not seen by select(); but a step reads whole replies, servers send nothing unasked,
    and the replies that come with a message's answer, those of the next envelope, are
    read at once after it.)
    """
    if len(waiting) == 1 and timeout:
        return waiting[0]
    try:
        readable, _w, _x = select.select([lane.fd for lane in waiting], [], [], timeout)
    except (OSError, ValueError):
        return waiting[0]
    if readable:
        first = readable[0]
        for lane in waiting:
            if lane.fd == first:
                return lane
    return None


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
    """Four SMTP connections: one thread drives them all (so the machine's processors do
    not set the number), and four keep a fast server busy while others are answered."""
    return DEFAULT_CONNECTIONS
