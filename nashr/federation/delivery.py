"""Sending activities to inboxes: one row per (activity, inbox), its state committed as
it changes, as bulletins are mailed (nashr/delivery/engine.py).

A row is 'queued' until a worker claims it by moving it to 'sending' in a commit of its
own (a compare-and-set: of two workers, one wins), before the request leaves. After the
answer it becomes 'sent', or 'queued' again with a later time (no answer, 5xx, 408,
429), or 'failed' (another 4xx: the inbox refuses it and will again). A worker killed
mid-request leaves its one row in 'sending'; a row found there longer than
NASHR_FEDERATION_SENDING_TIMEOUT is queued again and flagged possibly duplicated (a
receiver recognizes a second copy by the activity's id). Nothing is ever lost, and each
worker duplicates at most the one request it had under way.

An inbox that has failed without a success since more than NASHR_FEDERATION_DROP_AFTER
days is given up: its queued rows fail, the followers who receive there are removed,
and the site's administrators (ADMINS) are told by mail.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nashr.federation import keys
from nashr.federation.models import DeliveryState, Follower, InboxDelivery, InboxFailure
from nashr.federation.remote import (
    Refused,
    RemoteError,
    Signer,
    host_of,
    is_blocked,
    post_activity,
)

logger = logging.getLogger(__name__)

MAX_DELAY = 6 * 3600
# Answers that say "later", not "never".
TEMPORARY = frozenset({0, 408, 425, 429})


@dataclass
class RunSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0


def next_attempt(attempts: int, now: dt.datetime) -> dt.datetime:
    delay = min(float(settings.NASHR_FEDERATION_RETRY_BASE) * 2 ** (attempts - 1), MAX_DELAY)
    return now + dt.timedelta(seconds=delay)


def recover_stale(*, now: dt.datetime) -> int:
    """Queue again the rows left in 'sending' by a worker that stopped (see above)."""
    limit = now - dt.timedelta(seconds=float(settings.NASHR_FEDERATION_SENDING_TIMEOUT))
    return InboxDelivery.objects.filter(state=DeliveryState.SENDING, started_at__lt=limit).update(
        state=DeliveryState.QUEUED, possibly_duplicated=True, next_attempt_at=now
    )


def _claim(row_id: int, now: dt.datetime) -> bool:
    claimed = InboxDelivery.objects.filter(pk=row_id, state=DeliveryState.QUEUED).update(
        state=DeliveryState.SENDING, started_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def _inbox_gives_up(inbox: str, now: dt.datetime) -> bool:
    """Note a failure of `inbox`; whether it has failed long enough to be dropped."""
    failure, _created = InboxFailure.objects.get_or_create(inbox=inbox, defaults={"since": now})
    days = dt.timedelta(days=float(settings.NASHR_FEDERATION_DROP_AFTER_DAYS))
    return now - failure.since >= days


@transaction.atomic
def inbox_drop(*, inbox: str, reason: str) -> int:
    """Give up an inbox: its queued rows fail, its followers go, the administrators are
    told (after the commit); how many followers were removed."""
    InboxDelivery.objects.filter(
        inbox=inbox, state__in=[DeliveryState.QUEUED, DeliveryState.SENDING]
    ).update(state=DeliveryState.FAILED, last_error=reason[:2000])
    followers = Follower.objects.filter(Q(inbox=inbox) | Q(shared_inbox=inbox))
    handles = sorted(str(follower) for follower in followers)
    followers.delete()
    InboxFailure.objects.filter(inbox=inbox).delete()
    subject = _("Fediverse: an inbox was given up")
    message = _(
        "The inbox %(inbox)s has failed for %(days)s days (last: %(reason)s). Nothing more "
        "is sent there, and its %(count)s follower(s) were removed: %(handles)s"
    ) % {
        "inbox": inbox,
        "days": settings.NASHR_FEDERATION_DROP_AFTER_DAYS,
        "reason": reason,
        "count": len(handles),
        "handles": ", ".join(handles) or "—",
    }
    logger.warning("%s", message)
    transaction.on_commit(lambda: mail_admins(subject, message, fail_silently=True))
    return len(handles)


@dataclass(frozen=True)
class _Outcome:
    """A request's outcome, committed with the claim of the next row (one commit a request)."""

    row_id: int
    fields: dict[str, object]
    inbox_recovered: str = ""  # an inbox that answered: its failures are forgotten


def _record(outcome: _Outcome | None) -> None:
    if outcome is None:
        return
    InboxDelivery.objects.filter(pk=outcome.row_id).update(**outcome.fields)
    if outcome.inbox_recovered:
        InboxFailure.objects.filter(inbox=outcome.inbox_recovered).delete()


def _send_one(
    row: InboxDelivery, now: dt.datetime, summary: RunSummary, signers: dict[str, Signer]
) -> _Outcome | None:
    """Send one claimed row; its outcome to record (None: recorded already)."""
    activity = row.activity
    body = json.dumps(activity.document, ensure_ascii=False).encode()
    if activity.language not in signers:
        signers[activity.language] = keys.signer(activity.language)
    failed = {"state": DeliveryState.FAILED}
    try:
        if is_blocked(host_of(row.inbox)):
            raise Refused(f"{host_of(row.inbox)} is blocked")
        post_activity(row.inbox, body=body, signer=signers[activity.language])
    except Refused as exc:
        summary.failed += 1
        return _Outcome(row.pk, {**failed, "last_error": str(exc)[:2000]})
    except RemoteError as exc:
        error = str(exc)[:2000]
        if exc.status not in TEMPORARY and 400 <= exc.status < 500:
            summary.failed += 1
            return _Outcome(row.pk, {**failed, "last_error": error})
        if _inbox_gives_up(row.inbox, now):
            InboxDelivery.objects.filter(pk=row.pk).update(**failed, last_error=error)
            inbox_drop(inbox=row.inbox, reason=error)
            summary.failed += 1
            return None
        summary.retried += 1
        return _Outcome(
            row.pk,
            {
                "state": DeliveryState.QUEUED,
                "last_error": error,
                "next_attempt_at": next_attempt(row.attempts, now),
            },
        )
    summary.sent += 1
    fields = {"state": DeliveryState.SENT, "sent_at": timezone.now(), "last_error": ""}
    return _Outcome(row.pk, fields, inbox_recovered=row.inbox)


def deliveries_run(*, limit: int | None = None) -> RunSummary:
    """Send every row due now, one at a time, each state committed (see the docstring):
    a request's outcome in the commit that claims the next row."""
    summary = RunSummary()
    if not settings.NASHR_FEDERATION:
        return summary  # turned off: the rows wait, unsent
    summary.recovered = recover_stale(now=timezone.now())
    done = 0
    after = 0
    signers: dict[str, Signer] = {}  # the keys, read once per run
    outcome: _Outcome | None = None
    try:
        while limit is None or done < limit:
            now = timezone.now()
            row = (
                InboxDelivery.objects.filter(
                    state=DeliveryState.QUEUED, next_attempt_at__lte=now, pk__gt=after
                )
                .select_related("activity")
                .order_by("pk")
                .first()
            )
            if row is None:
                break
            after = row.pk
            with transaction.atomic():
                _record(outcome)
                outcome = None
                claimed = _claim(row.pk, now)
            if not claimed:
                continue
            row.attempts += 1
            outcome = _send_one(row, now, summary, signers)
            done += 1
    finally:
        _record(outcome)
    return summary


def next_due() -> dt.datetime | None:
    """When the next queued row is due, None for none."""
    row = (
        InboxDelivery.objects.filter(state=DeliveryState.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return row
