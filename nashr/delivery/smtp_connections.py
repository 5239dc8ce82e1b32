"""The SMTP connections of a sending, all driven by one thread (each connection a lane).

A transaction goes in three steps (envelope; message; the server's answer), and the thread
takes the next step of whichever connection has its replies first, so while a server reads
or answers, the thread records, builds or sends another message; with one thread, no GIL
is handed back and forth between workers. A message costs one round trip: with PIPELINING
(RFC 2920) its content carries the next message's envelope, whose replies then come with
the message's answer (see smtp.py).

Each lane keeps the engine's rule (see engine.py): its last message's outcome and its next
message's 'sending' are committed together before that message's content is sent. Where
the database lets a commit go on without the thread (PostgreSQL: each lane commits on its
own connection, the lanes' steps that come together in one commit:
sending_rows.PostgresSteps), the thread waits for it as for a server's reply, driving the
other lanes meanwhile. The next message's envelope travels
while its row is still 'queued': an envelope without content delivers nothing, and if
that message cannot follow (its reader left, the sender stops), the connection is cut
off before its content.
"""

from __future__ import annotations

import select
from typing import Protocol

from nashr.delivery.message import IssueMessage, Recipient
from nashr.delivery.sending_rows import Step
from nashr.delivery.transport import Outcome, SmtpTransport


class Feed(Protocol):
    """What the lanes ask of the engine: recipients, commits, and when to wait or stop."""

    def stopping(self) -> bool: ...

    def next(self) -> Recipient | None:
        """The next leased recipient, leasing a batch when none is left; None: none due."""
        ...

    def lease_wanted(self) -> bool:
        """Whether the leased rows have run out, and leasing a batch may find more."""
        ...

    def lease(self) -> None: ...

    def commit(self, pending: tuple[Recipient, Outcome] | None, claim: Recipient | None) -> bool:
        """The last message's outcome, and the next message 'sending', in one commit;
        whether the next message was claimed (its reader may have left)."""
        ...

    def commit_start(
        self, lane: object, pending: tuple[Recipient, Outcome] | None, claim: Recipient | None
    ) -> Step:
        """commit() for `lane`, possibly still on its way when it returns."""
        ...

    def commit_finish(self, step: Step) -> bool:
        """Whether the next message was claimed, once the commit `step` is done."""
        ...

    def throttle(self) -> None: ...

    def pause(self) -> bool:
        """Nothing to send now: wait until a retry is due; False: stop (or all is done)."""
        ...


class SmtpLane:
    """One SMTP connection, and the message it carries."""

    def __init__(self, transport: SmtpTransport) -> None:
        self.transport = transport
        self.recipient: Recipient | None = None
        self.outcome: Outcome | None = None  # None while the transaction goes on
        self.stage = 0  # 1: the envelope is sent; 2: the message is sent
        # The next message, built while the server takes in this one.
        self.next: tuple[Recipient, bytes | None] | None = None
        self.fd = -1  # the connection's socket while a transaction goes on
        # A commit on its way, and the message (with its bytes, if built) it claims.
        self.step: Step | None = None
        self.claiming: tuple[Recipient, bytes | None] | None = None

    def in_flight(self) -> bool:
        return self.step is not None or (self.recipient is not None and self.outcome is None)

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


class SmtpConnections:
    """`connections` SMTP connections sending `message` to the recipients `feed` gives."""

    def __init__(self, feed: Feed, message: IssueMessage, connections: int) -> None:
        self.feed = feed
        self.message = message
        self.lanes = [SmtpLane(SmtpTransport()) for _index in range(connections)]

    def run(self) -> None:
        """Send until the feed has nothing more, or says to stop."""
        feed, lanes = self.feed, self.lanes
        while True:
            for lane in lanes:
                if not lane.in_flight():
                    self._start(lane)
                elif lane.step is not None and lane.step.settled:
                    # Settled with another lane's step (one commit for both).
                    self._claimed(lane)
            waiting = [lane for lane in lanes if lane.in_flight()]
            if waiting:
                # The step of whichever connection has its replies first; the work no
                # server waits for (building the next messages, leasing) is done while
                # none has any.
                chore = self._chore()
                ready = _ready_lane(waiting, 0.0 if chore else 0.05)
                if ready is None:
                    if chore:
                        self._do_chore(chore)
                        continue
                    ready = waiting[0]
                if ready.step is not None:
                    # Lanes share the database's socket: its answer may settle another
                    # lane's commit, not this one's (then the loop goes round again).
                    if ready.step.ready() or len(waiting) == 1:
                        self._claimed(ready)
                elif ready.stage == 1:
                    self._send_content(ready)
                else:
                    ready.outcome = ready.transport.end()
                continue
            if any(lane.recipient is not None for lane in lanes):
                continue  # an outcome to record (the connection failed at once)
            if not feed.pause():
                break

    def unrecorded(self) -> list[tuple[Recipient, Outcome]]:
        """Outcomes known but not committed yet (after a failure; a message still in
        flight stays 'sending')."""
        return [pending for lane in self.lanes if (pending := lane.take()) is not None]

    def close(self) -> None:
        for lane in self.lanes:
            lane.transport.close()

    def _start(self, lane: SmtpLane, pending: tuple[Recipient, Outcome] | None = None) -> None:
        """A free lane: its last outcome committed with its next message's 'sending' (the
        commit may still be on its way: see _claimed())."""
        feed = self.feed
        if pending is None:
            pending = lane.take()
        if feed.stopping():
            recipient, wire = None, None
        elif lane.next is not None:
            (recipient, wire), lane.next = lane.next, None
        else:
            recipient, wire = feed.next(), None
        if pending is None and recipient is None:
            if lane.transport.ahead is not None:  # stopping: nothing follows
                lane.transport.abandon()
            return
        lane.claiming = None if recipient is None else (recipient, wire)
        lane.step = feed.commit_start(lane, pending, recipient)
        lane.fd = lane.step.fd
        if lane.step.ready():
            self._claimed(lane)

    def _claimed(self, lane: SmtpLane) -> None:
        """A lane's commit is done: its next message begun, if it was claimed."""
        assert lane.step is not None
        step, claiming = lane.step, lane.claiming
        lane.step = lane.claiming = None
        claimed = self.feed.commit_finish(step)
        if claiming is None:
            if lane.transport.ahead is not None:  # stopping: nothing follows
                lane.transport.abandon()
            return
        recipient, wire = claiming
        if not claimed:
            # Unsubscribed since it was leased: if its envelope went ahead, the server
            # waits for its content, so the connection is cut off. Then the next one.
            if lane.transport.ahead == recipient.delivery_id:
                lane.transport.abandon()
            self._start(lane)
            return
        self.feed.throttle()
        ahead = lane.transport.ahead == recipient.delivery_id
        lane.begin(recipient, self.message, wire)
        if ahead and lane.in_flight():
            # The envelope went ahead: its replies came with the last answer.
            self._send_content(lane)

    def _send_content(self, lane: SmtpLane) -> None:
        """A lane's envelope replies, then its message, with the next one's envelope.

        The next message is a leased row, still 'queued': only its envelope goes out now
        (see smtp.py); its 'sending' is committed, as for any message, after this one's
        answer and before its content. The next message itself is built later, while no
        server waits for anything (see _chore()).
        """
        following = None if self.feed.stopping() else self.feed.next()
        sender = "" if following is None else self.message.envelope_for(following)
        lane.outcome = lane.transport.middle(following, sender)
        lane.stage = 2
        if following is not None:
            lane.next = (following, None)

    def _chore(self) -> SmtpLane | bool | None:
        """Work ahead of need: a lane whose next message is to be built, True when the
        leased rows have run out (a batch to lease), or None."""
        for lane in self.lanes:
            if lane.next is not None and lane.next[1] is None:
                return lane
        if self.feed.lease_wanted():
            return True
        return None

    def _do_chore(self, chore: SmtpLane | bool) -> None:
        if isinstance(chore, SmtpLane):
            assert chore.next is not None
            recipient = chore.next[0]
            chore.next = (recipient, self.message.as_wire(recipient))
        else:
            self.feed.lease()


def _ready_lane(waiting: list[SmtpLane], timeout: float) -> SmtpLane | None:
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
