"""The deliveries' rows while an issue is sent : what the sending engine asks of
the database, for SQLite and PostgreSQL.

Leases. Rows are leased to a sending process in small batches (claimed_by = the process'
key; they stay 'queued', so a crash loses nothing: the lease is simply dropped). Leases
scan an issue's rows in id order, from where the last batch ended, then from the start
again for rows put back for a retry.

Commits. A message's outcome is committed together with the next message's 'sending' on
the same connection: 'queued' → 'sending' before a message's content goes to the server,
'sending' → 'sent' after the server's 250. The common step is one UPDATE of the two rows,
alone in autocommit mode, through the database driver's own connection (no ORM): on
PostgreSQL one round trip, shared by the SMTP connections whose steps come while a commit
is on its way (one statement, one commit for them all: PostgresSteps); on SQLite, WAL with
synchronous=NORMAL, one implicit transaction. A failed attempt is queued again after the
retry policy's delay (retry.py), or failed for good.

Claims and recovery. On PostgreSQL a batch is leased with SELECT … FOR UPDATE SKIP LOCKED,
so two processes never lease the same row, and each process (on any machine) holds a
SenderLease row named by its key, renewed every third of NASHR_SEND_LEASE_SECONDS by a
thread of its own: an owner of a lease or of a 'sending' row is dead when its lease has
run out by the database's clock, or at once when it ran on this host and its process is
gone. No session state is relied on (no advisory lock, no server-side cursor), so the
sending_rows works through PgBouncer in transaction mode. A sender whose own lease was taken
over stops.
SQLite has one writer: every write transaction takes the write lock when it starts (BEGIN
IMMEDIATE, or a single writing statement), under one lock per process (SendingRows.writer), and
a lock file next to the database lets one sending process at a time work on it, so any
lease or 'sending' row not held by this process belongs to a dead one. Recovery takes back
the leases of dead senders, and their 'sending' rows, flagged "possibly duplicated".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import random
import select
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from nashr.delivery.message import Recipient
from nashr.delivery.models import Delivery, DeliveryState, SenderLease
from nashr.delivery.retry import RetryPolicy
from nashr.delivery.transport import Outcome, Result
from nashr.subscribers.models import Subscriber

if TYPE_CHECKING:
    import psycopg

logger = logging.getLogger(__name__)

LEASE_BATCH = 256  # each lease is a commit: a few hundred rows at once make them rare
WAL_FRAMES_WHILE_SENDING = 10_000  # SQLite: 40 MB of write-ahead log at most (4 kB pages)
# Raw SQL on the hot path; table names come from the models, values are parameters.
D = Delivery._meta.db_table
L = SenderLease._meta.db_table
S = Subscriber._meta.db_table
SQL_LEASE_SELECT = (
    f"SELECT d.id, d.subscriber_id, d.message_id, s.email FROM {D} d"  # noqa: S608
    f" INNER JOIN {S} s ON s.id = d.subscriber_id"
    f" WHERE d.bulletin_id = %s AND d.state = 'queued' AND d.claimed_by IS NULL"
    f" AND d.next_attempt_at <= %s AND d.id > %s AND s.status = 'confirmed'"
    f" ORDER BY d.id LIMIT {LEASE_BATCH}"
)
SQL_LEASE = f"UPDATE {D} SET claimed_by = %s WHERE id IN ({{ids}})"  # noqa: S608
# PostgreSQL: the same lease in one statement, so one round trip and one commit (the rows
# come back in no particular order: sorted by id after).
SQL_LEASE_ONCE = (
    f"UPDATE {D} leased SET claimed_by = %s"  # noqa: S608
    f" FROM ({SQL_LEASE_SELECT} FOR UPDATE OF d SKIP LOCKED) picked"
    f" WHERE leased.id = picked.id"
    f" RETURNING leased.id, leased.subscriber_id, leased.message_id, picked.email"
)
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
SQL_LEASE_TAKE = (
    f"INSERT INTO {L} (key, host, pid, place, bulletin_id, started_at, expires_at)"  # noqa: S608
    f" VALUES (%s, %s, %s, %s, %s, now(), now() + make_interval(secs => %s))"
)
SQL_LEASE_RENEW = f"UPDATE {L} SET expires_at = now() + make_interval(secs => %s) WHERE key = %s"  # noqa: S608
SQL_LEASE_OWNER = (
    f"SELECT host, pid, place, expires_at < now() FROM {L} WHERE key = %s"  # noqa: S608
    f" FOR UPDATE"
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


class _Cursor(Protocol):
    """A DB-API cursor, as both drivers (sqlite3, psycopg) offer it."""

    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: str, params: Sequence[Any], /) -> object: ...

    def fetchone(self) -> Any: ...  # a row of mixed column types, or None

    def fetchall(self) -> list[Any]: ...


def this_host() -> str:
    return settings.NASHR_SEND_HOST or socket.gethostname()


def this_place() -> str:
    """Where a process id names one process: the kernel's boot and the pid namespace
    (containers on one machine share the first, not the second)."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as boot:
            return f"{boot.read().strip()}:{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        return ""  # never matches: liveness by the lease alone


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def in_memory_database() -> bool:
    """An in-memory SQLite database (tests): its connections share one cache, and there a
    writer makes the others fail at once instead of waiting."""
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and ("mode=memory" in name or name == ":memory:")


class SendingRows:
    """One sending process' record of its work on an issue, shared by its threads; each
    thread reads and writes it through its own connection (connect())."""

    def __init__(self, *, bulletin_id: int, retry: RetryPolicy) -> None:
        self.bulletin_id = bulletin_id
        self.retry = retry
        self.postgres = is_postgres()
        # The key naming this process' leases and 'sending' rows.
        self.key = random.randint(1, 2**31 - 1)  # noqa: S311 - an identifier, not a secret
        # SQLite: held around every write of this process' threads, so that they take the
        # database's write lock one after the other (SQLite's own wait for it is a sleep,
        # and in memory no wait at all). PostgreSQL lets writers run together: no lock.
        self.writer: contextlib.AbstractContextManager[object] = (
            contextlib.nullcontext() if self.postgres else threading.Lock()
        )
        # Set when this sender's lease was taken over by another (PostgreSQL): stop.
        self.lost = threading.Event()

    def connect(self) -> SendingRowsConnection:
        """The sending_rows through this thread's database connection."""
        if self.postgres:
            return _PostgresConnection(self)
        return _SqliteConnection(self)

    @contextlib.contextmanager
    def sending(
        self, on_wait: Callable[[str], None] | None, on_renew: Callable[[], object] | None = None
    ) -> Iterator[None]:
        """This process at work on the database: on SQLite the only sender (a lock file;
        `on_wait` is told when another one makes it wait), on PostgreSQL known to be alive
        (its lease, renewed meanwhile; `on_renew` is called after each renewal, in the
        renewing thread)."""
        with self._single_sender(on_wait), self._alive(on_renew):
            yield

    @contextlib.contextmanager
    def _single_sender(self, on_wait: Callable[[str], None] | None) -> Iterator[None]:
        if self.postgres or in_memory_database():
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

    @contextlib.contextmanager
    def _alive(self, on_renew: Callable[[], object] | None) -> Iterator[None]:
        if not self.postgres:
            yield
            return
        seconds = float(settings.NASHR_SEND_LEASE_SECONDS)
        with connection.cursor() as cursor:
            cursor.execute(
                SQL_LEASE_TAKE,
                [self.key, this_host(), os.getpid(), this_place(), self.bulletin_id, seconds],
            )
        done = threading.Event()
        renewer = threading.Thread(
            target=self._renew,
            args=(done, seconds, on_renew),
            name="nashr-send-lease",
            daemon=True,
        )
        renewer.start()
        try:
            yield
        finally:
            done.set()
            renewer.join()
            SenderLease.objects.filter(key=self.key).delete()

    def _renew(
        self, done: threading.Event, seconds: float, on_renew: Callable[[], object] | None
    ) -> None:
        """Renew this sender's lease until `done`; if it was taken over (this process
        stalled longer than the lease), say so through `lost`: the sender stops."""
        try:
            while not done.wait(seconds / 3):
                with connection.cursor() as cursor:
                    cursor.execute(SQL_LEASE_RENEW, [seconds, self.key])
                    if cursor.rowcount == 0:
                        self.lost.set()
                        return
                if on_renew is not None:
                    on_renew()
        except Exception:
            logger.exception("the sender's lease could not be renewed")
            self.lost.set()
        finally:
            connection.close()

    def release(self) -> None:
        """Give back the rows this process leased and did not send."""
        with self.writer:
            Delivery.objects.filter(
                bulletin_id=self.bulletin_id, state=DeliveryState.QUEUED, claimed_by=self.key
            ).update(claimed_by=None)

    def next_due(self) -> dt.datetime | None:
        """When the earliest queued message is due, or None when none is queued and no
        other sender holds a row (it may die, and its rows come back here)."""
        with self.writer:
            due = (
                Delivery.objects.filter(
                    bulletin_id=self.bulletin_id,
                    state=DeliveryState.QUEUED,
                    subscriber__status="confirmed",
                )
                .order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True)
                .first()
            )
            if due is None and self.postgres:
                others = Delivery.objects.filter(
                    bulletin_id=self.bulletin_id, state=DeliveryState.SENDING
                ).exclude(claimed_by=self.key)
                if others.exists():
                    return timezone.now() + dt.timedelta(seconds=0.5)
            return due

    def recover(self) -> int:
        """Take back the leases and 'sending' rows of dead senders; how many rows were
        'sending' (they are queued again, flagged possibly duplicated)."""
        held = Q(state=DeliveryState.SENDING) | Q(
            state=DeliveryState.QUEUED, claimed_by__isnull=False
        )
        with self.writer:
            owners = set(
                Delivery.objects.filter(held, bulletin_id=self.bulletin_id)
                .exclude(claimed_by=self.key)
                .values_list("claimed_by", flat=True)
                .distinct()
            )
        return sum(self._recover_owner(owner) for owner in owners)

    def _recover_owner(self, owner: int | None) -> int:
        rows = Delivery.objects.filter(bulletin_id=self.bulletin_id, claimed_by=owner)

        def take_back() -> int:
            rows.filter(state=DeliveryState.QUEUED).update(claimed_by=None)
            return rows.filter(state=DeliveryState.SENDING).update(
                state=DeliveryState.QUEUED,
                possibly_duplicated=True,
                claimed_by=None,
                next_attempt_at=timezone.now(),
            )

        if owner is None or not self.postgres:
            with self.writer:
                return take_back()
        with transaction.atomic(), connection.cursor() as cursor:
            # The owner's lease row stays locked until the rows are taken back: its own
            # renewal waits, then finds it gone.
            cursor.execute(SQL_LEASE_OWNER, [owner])
            row = cursor.fetchone()
            if row is not None:
                host, pid, place, expired = row
                here = host == this_host() and place == this_place()
                if not expired and not (here and not process_alive(pid)):
                    return 0  # alive
                SenderLease.objects.filter(key=owner).delete()
            return take_back()


class Step:
    """The commit of a message's outcome with the next message's 'sending', possibly still
    on its way to the database (see SendingRowsConnection.step_start)."""

    fd = -1  # a socket to wait on until ready(), or -1: already done
    settled = True  # done, as far as is known without asking the database

    def __init__(self, claimed: bool = False) -> None:
        self.claimed = claimed
        # The engine's bookkeeping: the outcome this commit records, and whether the
        # message was counted (once the commit is done).
        self.outcome: Outcome | None = None
        self.counted = False

    def ready(self) -> bool:
        return True

    def result(self) -> bool:
        """Whether the next message was claimed (waiting for the commit if need be)."""
        return self.claimed


class SendingRowsConnection:
    """The sending_rows's hot path through one thread's database connection, by its driver (one
    subclass for each database)."""

    begin = "BEGIN"

    def __init__(self, sending_rows: SendingRows) -> None:
        self.sending_rows = sending_rows
        self.key = sending_rows.key
        connection.ensure_connection()
        self.lease_select = self.q(SQL_LEASE_SELECT)
        self.mark_sending = self.q(SQL_MARK_SENDING)
        self.mark_failed = self.q(SQL_MARK_FAILED)
        self.mark_retry = self.q(SQL_MARK_RETRY)
        self.attempts = self.q(SQL_ATTEMPTS)

    def q(self, sql: str) -> str:
        """`sql` in the driver's placeholder style."""
        return sql

    def cursor(self) -> _Cursor:
        raise NotImplementedError

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Cursor]:
        cursor = self.cursor()
        cursor.execute(self.begin, ())
        try:
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK", ())
            raise
        cursor.execute("COMMIT", ())

    def lease(self, after: int) -> list[Recipient]:
        """Lease a batch of the issue's due rows: the first ones after id `after`, else
        (rows put back for a retry) the first ones; none when nothing is due."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = self._lease_batch(after, now)
        if not rows and after:
            rows = self._lease_batch(0, now)
        return [
            Recipient(delivery_id=r[0], subscriber_id=r[1], message_id=r[2], email=r[3])
            for r in rows
        ]

    def _lease_batch(self, after: int, now: object) -> list[Any]:
        with self.sending_rows.writer, self._transaction() as cursor:
            cursor.execute(self.lease_select, [self.sending_rows.bulletin_id, now, after])
            rows = cursor.fetchall()
            if rows:
                ids = ", ".join(["%s"] * len(rows))
                cursor.execute(
                    self.q(SQL_LEASE.format(ids=ids)), [self.key, *(row[0] for row in rows)]
                )
        return rows

    def commit_sent(self, done: int | None, claim: int | None) -> bool:
        """One commit: delivery `done` sent, delivery `claim` 'sending' (either may be None);
        whether `claim` was still there to claim (not unsubscribed or deleted meanwhile)."""
        raise NotImplementedError

    def step_start(self, done: int | None, claim: int | None) -> Step:
        """commit_sent(), returning at once where the database's driver lets the commit go
        on meanwhile (see PostgresSteps); here it is done before returning."""
        return Step(self.commit_sent(done, claim))

    def commit_failed(self, recipient: Recipient, outcome: Outcome, claim: int | None) -> bool:
        """One commit: a failed attempt (queued again after the retry policy's delay, or
        failed for good), and delivery `claim` 'sending'; whether `claim` was claimed."""
        claimed = False
        with self.sending_rows.writer, self._transaction() as cursor:
            self._record_failure(cursor, recipient, outcome)
            if claim is not None:
                cursor.execute(self.mark_sending, [claim, self.key])
                claimed = cursor.rowcount == 1
        return claimed

    def _record_failure(self, cursor: _Cursor, recipient: Recipient, outcome: Outcome) -> None:
        now = timezone.now()
        error = outcome.error[:2000]
        cursor.execute(self.attempts, [recipient.delivery_id])
        row = cursor.fetchone()
        retry_at = None
        if row is not None and outcome.result is not Result.PERMANENT:
            retry_at = self.sending_rows.retry.next_attempt(row[0], now)
        if retry_at is None:
            cursor.execute(self.mark_failed, [error, recipient.delivery_id, self.key])
            return
        cursor.execute(
            self.mark_retry,
            [
                error,
                connection.ops.adapt_datetimefield_value(retry_at),
                outcome.maybe_delivered,
                recipient.delivery_id,
                self.key,
            ],
        )


class _SqliteConnection(SendingRowsConnection):
    begin = "BEGIN IMMEDIATE"

    def __init__(self, sending_rows: SendingRows) -> None:
        super().__init__(sending_rows)
        self.driver: sqlite3.Connection = connection.connection
        # The row count tells whether the next row was claimed (see commit_sent).
        self.step = self.q(SQL_STEP.removesuffix(" RETURNING id"))
        self.held = self.q(SQL_HELD)
        if not in_memory_database():
            # Copy the write-ahead log into the database (and sync it) every 10,000 pages
            # rather than every 1,000: a tenth of the pauses, each a few milliseconds.
            self.driver.execute(f"PRAGMA wal_autocheckpoint={WAL_FRAMES_WHILE_SENDING}")

    def q(self, sql: str) -> str:
        return sql.replace("%s", "?")

    def cursor(self) -> _Cursor:
        return self.driver.cursor()

    def commit_sent(self, done: int | None, claim: int | None) -> bool:
        params = [done, done, done, done, done, self.key, done, claim]
        with self.sending_rows.writer:
            # The single statement in autocommit mode. A writing statement takes SQLite's
            # write lock when it starts (as BEGIN IMMEDIATE would), waiting for other
            # writers, so it reads and writes one snapshot.
            changed = self.driver.execute(self.step, params).rowcount
            if claim is None:
                return False
            if changed == (done is not None) + 1:
                return True
            # Fewer rows than asked: was the next one claimed? (Rare: its reader left, or
            # the last one's row went with its reader's data.)
            return self.driver.execute(self.held, (claim, self.key)).fetchone() is not None


class _PostgresConnection(SendingRowsConnection):
    def __init__(self, sending_rows: SendingRows) -> None:
        super().__init__(sending_rows)
        self.driver: psycopg.Connection[Any] = connection.connection
        self.step_cursor = self.driver.cursor()

    def _lease_batch(self, after: int, now: object) -> list[Any]:
        # One statement in autocommit mode; SKIP LOCKED: two senders never lease one row.
        params = [self.key, self.sending_rows.bulletin_id, now, after]
        self.step_cursor.execute(SQL_LEASE_ONCE, params)
        return sorted(self.step_cursor.fetchall())

    def cursor(self) -> _Cursor:
        return self.driver.cursor()

    def commit_sent(self, done: int | None, claim: int | None) -> bool:
        params = [done, done, done, done, done, self.key, done, claim]
        # One statement in autocommit mode: one round trip, one transaction; no writer
        # lock, PostgreSQL's row locks keep the threads apart.
        self.step_cursor.execute(SQL_STEP, params)
        returned = self.step_cursor.fetchall()
        return claim is not None and any(row[0] == claim for row in returned)


# The common step of several SMTP connections at once, as one statement (see
# PostgresSteps): the rows of `$1` sent, those of `$3` 'queued' → 'sending'; RETURNING
# names what was changed, so each claim can tell whether it was still there to claim.
SQL_STEPS = (
    f"UPDATE {D} SET"  # noqa: S608
    f" state = CASE WHEN id = ANY($1::bigint[]) THEN 'sent' ELSE 'sending' END,"
    f" sent_at = CASE WHEN id = ANY($1::bigint[]) THEN CURRENT_TIMESTAMP ELSE sent_at END,"
    f" last_error = CASE WHEN id = ANY($1::bigint[]) THEN '' ELSE last_error END,"
    f" claimed_by = CASE WHEN id = ANY($1::bigint[]) THEN NULL ELSE claimed_by END,"
    f" attempts = CASE WHEN id = ANY($1::bigint[]) THEN attempts ELSE attempts + 1 END"
    f" WHERE claimed_by = $2::bigint"
    f" AND (id = ANY($1::bigint[]) OR (id = ANY($3::bigint[]) AND state = 'queued'))"
    f" RETURNING id"
).encode()
SQL_STEPS_NAME = b"nashr_sending_steps"


def _array(ids: list[int]) -> bytes:
    """`ids` as PostgreSQL's text form of an array."""
    return ("{" + ",".join(map(str, ids)) + "}").encode()


class PostgresSteps:
    """The common step of every SMTP connection of a sending thread, on a PostgreSQL
    connection of their own.

    A step's commit is sent without waiting for it (libpq's asynchronous calls), so the
    one sending thread drives the other SMTP connections while it is flushed to disk; the
    message's content still waits for the commit (Step.result()), so the crash bound is
    unchanged. The steps asked for while a commit is on its way go together in the next
    one, a single statement: one round trip, one transaction and one flush to disk for
    them all, where one each kept the database busy for longer than the mail server.
    """

    def __init__(self, sending_rows: SendingRows) -> None:
        self.key = b"%d" % sending_rows.key
        self.driver: psycopg.Connection[Any] = connection.get_new_connection(
            connection.get_connection_params()
        )
        self.driver.autocommit = True
        self.pgconn = self.driver.pgconn
        self.fd = self.pgconn.socket
        # Parsed and planned once, on this connection; not behind PgBouncer in transaction
        # mode (see config/settings/base.py), where the next statement may reach another.
        self.prepared = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
        if self.prepared:
            from psycopg import DatabaseError
            from psycopg.pq import ExecStatus

            result = self.pgconn.prepare(SQL_STEPS_NAME, SQL_STEPS)
            if result.status != ExecStatus.COMMAND_OK:
                error = (result.error_message or b"").decode(errors="replace")
                raise DatabaseError(f"the sending step could not be prepared: {error}")
        self.flying: list[_PostgresStep] = []  # the steps of the commit on its way
        self.waiting: list[_PostgresStep] = []  # the steps of the next one

    def step_start(self, done: int | None, claim: int | None) -> Step:
        """commit_sent() of one SMTP connection, on its way when this returns."""
        step = _PostgresStep(self, done, claim)
        self.waiting.append(step)
        if not self.flying:
            self._send()
        return step

    def poll(self) -> None:
        """Read what the server has answered, without waiting; a commit done settles its
        steps, and sends the next one."""
        if not self.flying:
            return
        self.pgconn.consume_input()
        if not self.pgconn.is_busy():
            self._settle()

    def wait(self) -> None:
        """Wait for the commit on its way (at most a second at a time), and settle it."""
        if self.flying:
            select.select([self.fd], [], [], 1.0)
            self.poll()

    def close(self) -> None:
        self.driver.close()

    def _send(self) -> None:
        steps, self.waiting = self.waiting, []
        done = [step.done for step in steps if step.done is not None]
        claims = [step.claim for step in steps if step.claim is not None]
        params = [_array(done), self.key, _array(claims)]
        if self.prepared:
            self.pgconn.send_query_prepared(SQL_STEPS_NAME, params)
        else:
            self.pgconn.send_query_params(SQL_STEPS, params)
        self.flying = steps

    def _settle(self) -> None:
        from psycopg.pq import ExecStatus

        error = None
        changed: set[int] = set()
        while (result := self.pgconn.get_result()) is not None:
            if result.status != ExecStatus.TUPLES_OK:
                error = (result.error_message or b"").decode(errors="replace")
                continue
            for row in range(result.ntuples):
                value = result.get_value(row, 0)
                if value is not None:
                    changed.add(int(value))
        steps, self.flying = self.flying, []
        for step in steps:
            step.settled = True
            step.error = error
            step.claimed = step.claim is not None and step.claim in changed
        if self.waiting:
            self._send()


class _PostgresStep(Step):
    def __init__(self, steps: PostgresSteps, done: int | None, claim: int | None) -> None:
        super().__init__()
        self.steps = steps
        self.done = done
        self.claim = claim
        self.fd = steps.fd
        self.settled = False
        self.error: str | None = None

    def ready(self) -> bool:
        if not self.settled:
            self.steps.poll()
        return self.settled

    def result(self) -> bool:
        while not self.settled:
            self.steps.wait()
        if self.error is not None:
            from psycopg import DatabaseError

            raise DatabaseError(f"the sending step failed: {self.error}")
        return self.claimed
