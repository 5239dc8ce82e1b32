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
content; see smtp_connections.py and smtp.py.) After a kill -9 the next run finds the
'sending' rows, marks them "possibly duplicated" and sends them again; every other row is
either sent (never again) or queued (not sent yet). So a crash duplicates at most one
message per connection.

The parts. sending_rows.py (`SendingRows`) is what the engine asks of the database: leases,
the per-message commit, recovery after a crash, and how two senders (PostgreSQL) or one
(SQLite) share an issue. retry.py says when a failed message is tried again.
smtp_connections.py drives the SMTP connections (the lanes), all from one thread, one
round trip a message; other mail backends (providers' HTTP APIs) get one thread per
worker (_Worker). This module runs them: it queues and renders the issue, hands leased
rows to the threads, throttles, pauses until a retry is due, and sums up.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from nashr.bulletins.models import Bulletin, BulletinStatus
from nashr.core.exceptions import StateError
from nashr.delivery.message import IssueMessage, Recipient
from nashr.delivery.models import Delivery, DeliveryState
from nashr.delivery.retry import RetryPolicy
from nashr.delivery.sending_rows import (
    PostgresSteps,
    SendingRows,
    SendingRowsConnection,
    Step,
    in_memory_database,
)
from nashr.delivery.services import delivery_enqueue
from nashr.delivery.smtp_connections import SmtpConnections
from nashr.delivery.transport import SMTP_BACKENDS, Outcome, Result, make_transport
from nashr.subscribers.models import SubscriberStatus, Subscription, SubscriptionStatus
from nashr.subscribers.services import subscriber_record_hard_bounce

logger = logging.getLogger(__name__)

DEFAULT_CONNECTIONS = 4
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The console backend prints each message whole (tens of kilobytes): a handful shows what
# is sent; a real list would print megabytes and send nothing.
CONSOLE_MAX_RECIPIENTS = 10

Pending = tuple[Recipient, Outcome]  # a message's outcome, known and not committed yet


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


@dataclass
class _Tally:
    """What one thread counted in this run. Each thread has its own and the run adds them
    up once the threads have ended, so no lock guards them."""

    sent: int = 0
    recovered: int = 0


class _Leased:
    """The rows this process leased and has not handed to a thread yet."""

    def __init__(self) -> None:
        # Guards rows, after and dry: worker threads take rows and lease batches at once.
        # (The lanes' single thread never waits for it.)
        self.lock = threading.Lock()
        self.rows: collections.deque[Recipient] = collections.deque()
        self.after = 0  # keyset: leases go on from the last id leased
        self.dry = False  # the last lease found nothing

    def take(self, books: SendingRowsConnection) -> Recipient | None:
        """The next leased recipient, leasing a new batch when none is left."""
        with self.lock:
            if not self.rows:
                self._lease(books)
            return self.rows.popleft() if self.rows else None

    def lease(self, books: SendingRowsConnection) -> None:
        with self.lock:
            self._lease(books)

    def wanted(self) -> bool:
        """None left, and the last lease found some: the next one may find more. (Read
        without the lock: only the lanes' single thread asks.)"""
        return not self.rows and not self.dry

    def _lease(self, books: SendingRowsConnection) -> None:
        rows = books.lease(self.after)
        self.dry = not rows
        if rows:
            self.after = max(self.after, rows[-1].delivery_id)
            self.rows.extend(rows)


class _Throttle:
    """At most one message every `interval` seconds, across all threads (--rate)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        # Guards next_slot: each worker thread takes the next free slot.
        self.lock = threading.Lock()
        self.next_slot = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class _Job(Protocol):
    """A sending thread's work: the lanes (SMTP) or one worker (other backends)."""

    def run(self) -> None: ...

    def unrecorded(self) -> list[Pending]: ...

    def close(self) -> None: ...


def _refuse_a_list_on_the_console(bulletin: Bulletin) -> None:
    recipients = Subscription.objects.filter(
        series_id=bulletin.series_id,
        status=SubscriptionStatus.CONFIRMED,
        subscriber__status=SubscriberStatus.CONFIRMED,
    ).count()
    if recipients > CONSOLE_MAX_RECIPIENTS:
        raise StateError(
            f"the mail backend is the console, which would print {recipients} messages whole",
            where="EMAIL_BACKEND",
            hint=f"set EMAIL_HOST (and EMAIL_PORT) to send over SMTP; the console takes at "
            f"most {CONSOLE_MAX_RECIPIENTS} recipients",
        )


class Sender:
    """One run of sending an issue: its threads, and what they share."""

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
        if settings.EMAIL_BACKEND == CONSOLE_BACKEND:
            _refuse_a_list_on_the_console(bulletin)
        self.bulletin = bulletin
        self.workers = workers
        self.on_progress = on_progress
        self.on_notice = on_notice
        self.on_start = on_start
        self.stop_event = threading.Event()
        self.sending_rows = SendingRows(bulletin_id=bulletin.pk, retry=RetryPolicy.from_settings())
        self.leased = _Leased()
        self.throttle = _Throttle(1.0 / rate if rate else 0.0)
        self.finished = False  # nothing is left to send: no row is leased either
        self.errors: list[BaseException] = []

    # -- the run ------------------------------------------------------------------------

    def run(self) -> SendSummary:
        # This thread's, the lease renewer's, then one for each sending thread.
        tallies = [_Tally(), renewer := _Tally()]
        # While the sending threads are busy, the lease renewer takes over the rows of
        # dead senders (on other machines: once their leases have run out).
        with self.sending_rows.sending(self.on_notice, lambda: self.recover(renewer)):
            message = self._prepare(tallies[0])
            if self.on_start is not None:
                self.on_start(delivery_summary(bulletin=self.bulletin))
            jobs: dict[str, Callable[[_Shift], _Job]]
            if settings.EMAIL_BACKEND in SMTP_BACKENDS:
                # One thread drives every SMTP connection (see smtp_connections.py).
                jobs = {"nashr-send": lambda shift: SmtpConnections(shift, message, self.workers)}
            else:
                jobs = {
                    f"nashr-send-{index}": lambda shift: _Worker(shift, message)
                    for index in range(self.workers)
                }
            threads = []
            for name, job in jobs.items():
                tallies.append(tally := _Tally())
                thread = threading.Thread(
                    target=self._thread, args=(job, tally), name=name, daemon=True
                )
                threads.append(thread)
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
                if not self.finished or self.errors:
                    self.sending_rows.release()
        if self.errors:
            raise self.errors[0]
        summary = delivery_summary(bulletin=self.bulletin)
        summary.sent_now = sum(tally.sent for tally in tallies)
        summary.recovered_now = sum(tally.recovered for tally in tallies)
        return summary

    def stop(self) -> None:
        self.stop_event.set()

    def _prepare(self, tally: _Tally) -> IssueMessage:
        """Queue a row for every recipient and render the message, both at once where the
        database lets two connections work together (SQLite's writes run without the GIL)."""
        if in_memory_database():
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
        self.recover(tally)
        return message

    def _thread(self, job: Callable[[_Shift], _Job], tally: _Tally) -> None:
        """A sending thread: its job, until done or stopped; on a failure (a bug, or the
        database's) every thread stops, and the run raises the error."""
        work: _Job | None = None
        shift: _Shift | None = None
        try:
            shift = _Shift(self, tally)
            work = job(shift)
            work.run()
        except BaseException as exc:
            logger.exception("sending thread failed")
            self.errors.append(exc)
            self.stop_event.set()
            if work is not None:
                # Outcomes known but not yet recorded; a message still in flight stays
                # 'sending'. On a fresh connection: the last one may have failed.
                with contextlib.suppress(Exception):
                    shift = _Shift(self, tally)
                    for pending in work.unrecorded():
                        shift.commit(pending, None)
        finally:
            if work is not None:
                work.close()
            if shift is not None:
                shift.close()
            connection.close()

    # -- nothing to send now ------------------------------------------------------------

    def pause(self, tally: _Tally) -> bool:
        """Nothing to send now: wait until a retry is due. False when stopping, or when
        everything is done (then no row is leased either: see run())."""
        if self.stop_event.is_set() or self.sending_rows.lost.is_set():
            return False
        wait = self._idle(tally)
        if wait is None:
            self.finished = True
            return False
        self.stop_event.wait(wait)
        return True

    def _idle(self, tally: _Tally) -> float | None:
        """Nothing to lease now: seconds until a retry is due, or None when all is done."""
        if self.recover(tally):
            return 0.0
        due = self.sending_rows.next_due()
        if due is None:
            return None
        return max(0.05, min((due - timezone.now()).total_seconds(), 1.0))

    def recover(self, tally: _Tally) -> int:
        """Take back the leases and 'sending' rows of dead senders (the latter flagged)."""
        recovered = self.sending_rows.recover()
        if recovered:
            tally.recovered += recovered
            if self.on_notice:
                self.on_notice(
                    f"{recovered} message(s) were being sent when a sender stopped;"
                    " they are sent again and counted as possibly duplicated"
                )
        return recovered


class _Shift:
    """One sending thread's share of the run, through its own database connection: what
    its job asks of the engine (smtp_connections.Feed)."""

    def __init__(self, sender: Sender, tally: _Tally) -> None:
        self.sender = sender
        self.tally = tally
        self.books = sender.sending_rows.connect()
        # PostgreSQL: the SMTP connections' common steps go on a database connection of
        # their own, several in one commit when they come together.
        self.steps: PostgresSteps | None = None

    def stopping(self) -> bool:
        sender = self.sender
        return sender.stop_event.is_set() or sender.sending_rows.lost.is_set()

    def next(self) -> Recipient | None:
        return self.sender.leased.take(self.books)

    def lease_wanted(self) -> bool:
        return self.sender.leased.wanted() and not self.stopping()

    def lease(self) -> None:
        self.sender.leased.lease(self.books)

    def throttle(self) -> None:
        self.sender.throttle.wait()

    def pause(self) -> bool:
        return self.sender.pause(self.tally)

    def commit_start(self, lane: object, pending: Pending | None, claim: Recipient | None) -> Step:
        """commit() for one SMTP connection (`lane`); on PostgreSQL the common step returns
        while its commit is on its way (see PostgresSteps)."""
        if pending is not None and pending[1].result is not Result.SENT:
            step = Step(self.commit(pending, claim))  # a failure: rare, done at once
            step.counted = True
            return step
        if not self.sender.sending_rows.postgres:
            step = Step(self.commit(pending, claim))
            step.counted = True
            return step
        if self.steps is None:
            self.steps = PostgresSteps(self.sender.sending_rows)
        done = pending[0].delivery_id if pending is not None else None
        step = self.steps.step_start(done, claim.delivery_id if claim is not None else None)
        step.outcome = pending[1] if pending is not None else None
        return step

    def commit_finish(self, step: Step) -> bool:
        claimed = step.result()
        if not step.counted and step.outcome is not None:
            step.counted = True
            self.tally.sent += 1
            if self.sender.on_progress is not None:
                self.sender.on_progress(step.outcome)
        return claimed

    def close(self) -> None:
        if self.steps is not None:
            self.steps.close()

    def commit(self, pending: Pending | None, claim: Recipient | None) -> bool:
        """One commit: the last message's outcome, and the next message marked 'sending';
        whether the next message was claimed (its reader may have left meanwhile)."""
        if pending is None and claim is None:
            return False
        sender = self.sender
        claim_id = claim.delivery_id if claim is not None else None
        if pending is None or pending[1].result is Result.SENT:
            done = pending[0].delivery_id if pending is not None else None
            claimed = self.books.commit_sent(done, claim_id)
            if pending is not None:
                self.tally.sent += 1
                if sender.on_progress is not None:
                    sender.on_progress(pending[1])
            return claimed
        recipient, outcome = pending
        claimed = self.books.commit_failed(recipient, outcome, claim_id)
        if outcome.result is Result.PERMANENT:
            # Counted after the commit: a crash in between forgets one count, never a state.
            with sender.sending_rows.writer:
                subscriber_record_hard_bounce(subscriber_id=recipient.subscriber_id)
        if sender.on_progress is not None:
            sender.on_progress(outcome)
        return claimed


class _Worker:
    """Another mail backend than SMTP: one message at a time, on one thread."""

    def __init__(self, shift: _Shift, message: IssueMessage) -> None:
        self.shift = shift
        self.message = message
        self.transport = make_transport()
        self.pending: Pending | None = None

    def run(self) -> None:
        shift = self.shift
        while True:
            recipient = None if shift.stopping() else shift.next()
            if recipient is None:
                shift.commit(self.pending, None)
                self.pending = None
                if not shift.pause():
                    break
                continue
            claimed = shift.commit(self.pending, recipient)
            self.pending = None
            if not claimed:  # unsubscribed or deleted since it was leased
                continue
            shift.throttle()
            self.pending = (recipient, self.transport.send(recipient, self.message))

    def unrecorded(self) -> list[Pending]:
        return [self.pending] if self.pending is not None else []

    def close(self) -> None:
        self.transport.close()


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
