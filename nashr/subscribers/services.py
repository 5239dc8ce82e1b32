"""Every write to subscribers goes through these functions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from nashr.audit.services import audit_diff, audit_record, audit_snapshot
from nashr.bulletins.models import Series
from nashr.core.actors import Actor, actor_label, require
from nashr.core.exceptions import (
    ApplicationError,
    ImportFailed,
    NotFound,
    StateError,
    ValidationError,
)
from nashr.core.languages import check_language, codes
from nashr.core.mail import notification_message
from nashr.core.maildir import maildir_check, maildir_claim, maildir_entries, read_limited
from nashr.core.one_line import check_one_line
from nashr.subscribers import hooks, mailcommands, ratelimit, tokens
from nashr.subscribers.models import (
    MailToken,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _check_email(email: str, *, where: str = "email") -> str:
    address = normalize_email(email)
    # A quoted local part may hold control characters; the address goes into To and RCPT.
    check_one_line(address, where=where)
    try:
        validate_email(address)
    except DjangoValidationError as exc:
        raise ValidationError(
            f"“{email.strip()}” is not an email address",
            where=where,
            hint="write it as name@example.org",
        ) from exc
    return address


def _refresh_status(subscriber: Subscriber) -> None:
    """An address with no list left is unsubscribed; bounced stays bounced."""
    if subscriber.status == SubscriberStatus.BOUNCED:
        return
    remaining = subscriber.subscriptions.exclude(status=SubscriptionStatus.UNSUBSCRIBED)
    if not remaining.exists() and subscriber.status != SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.save(update_fields=["status"])


@transaction.atomic
def subscriber_subscribe(
    *,
    email: str,
    series: list[Series],
    language: str,
    send_confirmation: bool = True,
    consent_basis: str = "",
) -> Subscriber:
    """Record consent for `series` and mail a confirmation link.

    The caller cannot tell from the result whether the address was known: the same mail
    is sent either way, and confirming again changes nothing. `consent_basis` is recorded
    for a new address (empty: subscribed on the site).
    """
    if not series:
        raise ValidationError("choose at least one bulletin", where="series")
    address = _check_email(email)
    now = timezone.now()
    subscriber, new_address = Subscriber.objects.select_for_update().get_or_create(
        email=address,
        defaults={"language": language, "consented_at": now, "consent_basis": consent_basis},
    )
    for one in series:
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber, series=one, defaults={"consented_at": now}
        )
        if not created and subscription.status == SubscriptionStatus.UNSUBSCRIBED:
            subscription.status = SubscriptionStatus.PENDING
            subscription.consented_at = now
            subscription.save(update_fields=["status", "consented_at"])
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.PENDING
        subscriber.consented_at = now
        subscriber.save(update_fields=["status", "consented_at"])
    elif subscriber.confirmed_at is None and not new_address:
        # Asked again for a link: kept NASHR_UNCONFIRMED_DAYS from now, so the new link works.
        subscriber.consented_at = now
        subscriber.save(update_fields=["consented_at"])
    if send_confirmation:
        subscriber_id = subscriber.pk
        series_ids = tuple(sorted(one.pk for one in series))
        transaction.on_commit(
            lambda: subscription_confirmation_send(
                subscriber_id=subscriber_id, series_ids=series_ids
            )
        )
    return subscriber


def _subscription_confirmation_message(
    *, subscriber: Subscriber, series_ids: tuple[int, ...]
) -> EmailMessage:
    language = subscriber.language
    context = {
        "url": tokens.confirm_url(subscriber=subscriber, series_ids=series_ids, language=language),
        "series": Series.objects.filter(pk__in=series_ids),
        "days": settings.NASHR_CONFIRM_MAX_AGE // 86400,
    }
    return notification_message(
        to=subscriber.email,
        language=language,
        template="subscribers/email/confirm",
        context=context,
    )


def subscription_confirmation_send(*, subscriber_id: int, series_ids: tuple[int, ...]) -> None:
    """Mail the subscriber the double opt-in link that confirms their lists `series_ids`."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    _subscription_confirmation_message(subscriber=subscriber, series_ids=series_ids).send()


def _already_subscribed(address: str) -> ValidationError:
    return ValidationError(
        f"{address} is already a subscriber",
        where="email",
        hint="find it in the list of subscribers to see its lists and status",
    )


@transaction.atomic
def subscriber_add(
    *, actor: Actor, email: str, language: str, series: list[Series], requested: bool
) -> Subscriber:
    """Add an address by hand (a staff member, in the admin) to the lists of `series`.

    The basis of consent recorded is the staff member who added the address, and when.
    When the person asked that staff member to be added (`requested`), the lists are
    confirmed at once; otherwise they stay pending and the person is mailed the same
    confirmation link as after subscribing on the site, and receives nothing until they
    follow it: a staff member's word alone never puts an address on a list.
    """
    require(actor, "subscribers.add_subscriber", action="add subscribers")
    if not series:
        raise ValidationError("choose at least one bulletin", where="lists")
    address = _check_email(email)
    check_language(language)
    if Subscriber.objects.filter(email=address).exists():
        raise _already_subscribed(address)
    now = timezone.now()
    status = SubscriberStatus.CONFIRMED if requested else SubscriberStatus.PENDING
    how = "at the person's request" if requested else "confirmation link mailed"
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(
                email=address,
                language=language,
                status=status,
                consented_at=now,
                confirmed_at=now if requested else None,
                consent_basis=f"added by staff member {actor_label(actor)}, {how}",
            )
    except IntegrityError as exc:  # added by someone else a moment ago
        raise _already_subscribed(address) from exc
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=subscriber,
            series=one,
            status=SubscriptionStatus.CONFIRMED if requested else SubscriptionStatus.PENDING,
            consented_at=now,
            confirmed_at=now if requested else None,
        )
        for one in series
    )
    if not requested:
        subscriber_id = subscriber.pk
        series_ids = tuple(sorted(one.pk for one in series))
        transaction.on_commit(
            lambda: subscription_confirmation_send(
                subscriber_id=subscriber_id, series_ids=series_ids
            )
        )
    facts = {"status": status, "lists": sorted(one.slug for one in series)}
    audit_record(actor=actor, action="subscriber.add", target=subscriber, changes=facts)
    return subscriber


NOT_MAILED = (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED)


@transaction.atomic
def subscriber_update(
    *, actor: Actor, subscriber: Subscriber, email: str, language: str, status: str
) -> Subscriber:
    """Correct a subscriber's address, language or status by hand (the admin's form).

    Marking an address unsubscribed or bounced drops what was queued for it, as leaving
    and bouncing do; marking it confirmed records when, if it never was.
    """
    require(actor, "subscribers.change_subscriber", action="change subscribers")
    address = _check_email(email)
    check_language(language)
    if status not in SubscriberStatus.values:
        raise ValidationError(f"unknown status “{status}”", where="status")
    if Subscriber.objects.filter(email=address).exclude(pk=subscriber.pk).exists():
        raise _already_subscribed(address)
    stored = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    before = audit_snapshot(stored, ("email", "language", "status"))
    stopped = status in NOT_MAILED and stored.status not in NOT_MAILED
    stored.email, stored.language, stored.status = address, language, status
    if status == SubscriberStatus.CONFIRMED and stored.confirmed_at is None:
        stored.confirmed_at = timezone.now()
    stored.save(update_fields=["email", "language", "status", "confirmed_at"])
    if stopped:
        hooks.mailing_stopped(subscriber_id=stored.pk, series_ids=None)
    if changed := audit_diff(before, stored):
        audit_record(actor=actor, action="subscriber.update", target=stored, changes=changed)
    return stored


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber, series_ids: tuple[int, ...]) -> list[Series]:
    """Confirm the lists a confirmation link names; confirming twice changes nothing."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    now = timezone.now()
    pending = Subscription.objects.filter(
        subscriber=subscriber, series_id__in=series_ids, status=SubscriptionStatus.PENDING
    )
    pending.update(status=SubscriptionStatus.CONFIRMED, confirmed_at=now)
    if subscriber.status != SubscriberStatus.CONFIRMED:
        # Confirming proves that the address receives mail again.
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.confirmed_at = now
        subscriber.hard_bounces = 0
        subscriber.save(update_fields=["status", "confirmed_at", "hard_bounces"])
    return list(
        Series.objects.filter(
            subscriptions__subscriber=subscriber,
            subscriptions__status=SubscriptionStatus.CONFIRMED,
            pk__in=series_ids,
        )
    )


@transaction.atomic
def subscription_unsubscribe(*, subscriber: Subscriber, series_ids: tuple[int, ...]) -> None:
    """Take the subscriber off the lists named; nothing more is sent to them from those."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    Subscription.objects.filter(subscriber=subscriber, series_id__in=series_ids).update(
        status=SubscriptionStatus.UNSUBSCRIBED
    )
    # Messages not yet handed to the mail server are not sent to someone who left.
    hooks.mailing_stopped(subscriber_id=subscriber.pk, series_ids=series_ids)
    _refresh_status(subscriber)


@transaction.atomic
def subscriber_delete(*, subscriber: Subscriber, actor: Actor | None = None) -> None:
    """Erase everything stored about the subscriber, their delivery records included.

    `actor` None: the reader themself, through their own signed link. Readers' own
    actions are not recorded in the audit trail (a record of them is what readers must
    not leave behind); a staff member's deletion is.
    """
    if actor is not None:
        require(actor, "subscribers.delete_subscriber", action="delete subscribers")
        audit_record(actor=actor, action="subscriber.delete", target=subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).delete()


@transaction.atomic
def subscribers_purge_unconfirmed(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Delete the addresses never confirmed whose last consent is NASHR_UNCONFIRMED_DAYS old.

    Such an address was typed in by someone who may not be its owner; kept, it would be a
    list of people named by others. Confirmed addresses stay, whatever their status now.
    Returns how many addresses were deleted.
    """
    require(actor, "subscribers.delete_subscriber", action="delete subscribers")
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.NASHR_UNCONFIRMED_DAYS)
    stale = (
        Subscriber.objects.filter(confirmed_at__isnull=True, consented_at__lt=cutoff)
        .exclude(status=SubscriberStatus.CONFIRMED)
        .exclude(subscriptions__consented_at__gte=cutoff)
    )
    _total, per_model = Subscriber.objects.filter(pk__in=stale.values("pk")).delete()
    deleted = per_model.get(Subscriber._meta.label, 0)
    if deleted:
        # How many, never which: the addresses are what the purge exists to forget.
        facts = {"deleted": deleted, "days": settings.NASHR_UNCONFIRMED_DAYS}
        audit_record(actor=actor, action="subscriber.purge_unconfirmed", changes=facts)
    return deleted


def subscriber_record_hard_bounce(*, subscriber_id: int) -> bool:
    """Count a permanent failure; True when it made the address bounced (no longer mailed)."""
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber_id).update(hard_bounces=F("hard_bounces") + 1)
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            return False
        if (
            subscriber.hard_bounces >= settings.NASHR_BOUNCE_LIMIT
            and subscriber.status != SubscriberStatus.BOUNCED
        ):
            subscriber.status = SubscriberStatus.BOUNCED
            subscriber.save(update_fields=["status"])
            hooks.mailing_stopped(subscriber_id=subscriber.pk, series_ids=None)
            return True
    return False


@dataclass
class ImportResult:
    created: int = 0
    added: int = 0
    merged: int = 0
    skipped: list[str] = field(default_factory=list)
    to_confirm: list[int] = field(default_factory=list)


def _read_rows(text: str, *, filename: str) -> tuple[list[tuple[int, str, str]], list[str]]:
    rows: list[tuple[int, str, str]] = []
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text))
    email_col, language_col = 0, None
    for index, row in enumerate(reader):
        line = reader.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if index == 0 and "email" in [cell.lower() for cell in cells]:
            header = [cell.lower() for cell in cells]
            email_col = header.index("email")
            language_col = header.index("language") if "language" in header else None
            continue
        if index == 0 and len(cells) > 1:
            language_col = 1
        email = cells[email_col] if email_col < len(cells) else ""
        language = (
            cells[language_col] if language_col is not None and language_col < len(cells) else ""
        )
        where = f"{filename}, line {line}"
        try:
            address = _check_email(email, where=where)
        except ValidationError as exc:
            errors.append(str(exc))
            continue
        if language and language not in codes():
            errors.append(
                f"{where}: unknown language “{language}” "
                f"(use one of: {', '.join(codes())}, or leave it empty)"
            )
            continue
        rows.append((line, address, language))
    return rows, errors


@transaction.atomic
def subscribers_import(
    *, actor: Actor, text: str, filename: str, series: Series, confirmed: bool
) -> ImportResult:
    """Add the addresses of a CSV file (email[,language]) to the list of `series`.

    All or nothing: one bad line and nothing is saved, every bad line is reported. An
    address that appears twice is one subscriber. Addresses that unsubscribed or bounce
    are left as they are: an import never overrides a reader's choice to leave.
    """
    require(actor, "subscribers.add_subscriber", action="import subscribers")
    rows, errors = _read_rows(text, filename=filename)
    if errors:
        raise ImportFailed(
            "\n".join(errors),
            hint="nothing was imported; correct these lines and run the import again",
        )
    result = ImportResult()
    now = timezone.now()
    seen: set[str] = set()
    for _line, address, language in rows:
        if address in seen:
            result.merged += 1
            continue
        seen.add(address)
        subscriber, created = Subscriber.objects.get_or_create(
            email=address,
            defaults={
                "language": language or series.language,
                "consented_at": now,
                "status": SubscriberStatus.CONFIRMED if confirmed else SubscriberStatus.PENDING,
                "confirmed_at": now if confirmed else None,
            },
        )
        if not created and subscriber.status in (
            SubscriberStatus.UNSUBSCRIBED,
            SubscriberStatus.BOUNCED,
        ):
            result.skipped.append(address)
            continue
        if created:
            result.created += 1
        elif confirmed and subscriber.status == SubscriberStatus.PENDING:
            subscriber.status = SubscriberStatus.CONFIRMED
            subscriber.confirmed_at = now
            subscriber.save(update_fields=["status", "confirmed_at"])
        subscription, new = Subscription.objects.get_or_create(
            subscriber=subscriber,
            series=series,
            defaults={
                "consented_at": now,
                "status": SubscriptionStatus.CONFIRMED if confirmed else SubscriptionStatus.PENDING,
                "confirmed_at": now if confirmed else None,
            },
        )
        if not new and subscription.status == SubscriptionStatus.UNSUBSCRIBED:
            result.skipped.append(address)
            continue
        if new:
            result.added += 1
        elif confirmed and subscription.status == SubscriptionStatus.PENDING:
            subscription.status = SubscriptionStatus.CONFIRMED
            subscription.confirmed_at = now
            subscription.save(update_fields=["status", "confirmed_at"])
        if subscription.status == SubscriptionStatus.PENDING:
            result.to_confirm.append(subscriber.pk)
    facts = {
        "file": filename,
        "created": result.created,
        "added": result.added,
        "merged": result.merged,
        "skipped": len(result.skipped),
        "confirmed": confirmed,
    }
    audit_record(actor=actor, action="subscriber.import", target=series, changes=facts)
    return result


def subscription_confirmations_send(*, subscriber_ids: list[int], series: Series) -> int:
    """Mail confirmation links to imported addresses over one reused connection."""
    connection = get_connection()
    sent = 0
    with connection:
        for subscriber in Subscriber.objects.filter(pk__in=subscriber_ids).iterator():
            message = _subscription_confirmation_message(
                subscriber=subscriber, series_ids=(series.pk,)
            )
            message.connection = connection
            sent += message.send()
    return sent


def series_by_slug(slug: str) -> Series:
    series = Series.objects.filter(slug=slug).first()
    if series is None:
        known = ", ".join(Series.objects.values_list("slug", flat=True)) or "none yet"
        raise NotFound(f"no series “{slug}”", where="--series", hint=f"known series: {known}")
    return series


# --- By mail to the list address (nashr.subscribers.mailcommands) ---------------------

# Recorded as a new address' basis of consent: it asked by mail, and confirms by reply.
MAIL_CONSENT = "asked by mail to the list address, confirmed by reply"


def _mail_confirmation_message(
    *, subscriber: Subscriber, series: Series, token: str
) -> EmailMessage:
    address = mailcommands.list_address()
    context = {
        "series": series,
        "command": mailcommands.command_text(mailcommands.CONFIRM, token),
        "list_address": address,
        "days": settings.NASHR_CONFIRM_MAX_AGE // 86400,
    }
    message = notification_message(
        to=subscriber.email,
        language=subscriber.language,
        template="subscribers/email/confirm_by_mail",
        context=context,
    )
    message.reply_to = [address]
    return message


def _mail_confirmed_message(*, subscriber: Subscriber, series: list[Series]) -> EmailMessage:
    address = mailcommands.list_address()
    leaving = [
        (
            one,
            mailcommands.command_text(
                mailcommands.UNSUBSCRIBE,
                tokens.make_token(
                    purpose=tokens.UNSUBSCRIBE,
                    subscriber_id=subscriber.pk,
                    email=subscriber.email,
                    series_ids=(one.pk,),
                ),
            ),
        )
        for one in series
    ]
    message = notification_message(
        to=subscriber.email,
        language=subscriber.language,
        template="subscribers/email/confirmed_by_mail",
        context={"leaving": leaving, "list_address": address},
    )
    message.reply_to = [address]
    return message


@transaction.atomic
def subscriber_subscribe_by_mail(*, email: str, series: Series) -> Subscriber:
    """Record consent asked for by mail and mail the address a one-time token to reply with.

    As the site's form, whoever wrote the From header: the address is pending until a
    reply from it carries the token (`subscriber_confirm_by_mail`). The rate limits are the
    caller's (`mail_commands_ingest`), as the form's are its view's.
    """
    subscriber = subscriber_subscribe(
        email=email,
        series=[series],
        language=series.language,
        send_confirmation=False,
        consent_basis=MAIL_CONSENT,
    )
    token, digest = tokens.mail_token_new()
    MailToken.objects.create(
        digest=digest, subscriber=subscriber, series=series, created_at=timezone.now()
    )
    subscriber_id, series_id = subscriber.pk, series.pk

    def send() -> None:
        stored = Subscriber.objects.filter(pk=subscriber_id).first()
        one = Series.objects.filter(pk=series_id).first()
        if stored is not None and one is not None:
            _mail_confirmation_message(subscriber=stored, series=one, token=token).send()

    transaction.on_commit(send)
    return subscriber


@transaction.atomic
def subscriber_confirm_by_mail(*, email: str, token: str) -> list[Series]:
    """Confirm the list a one-time token was mailed for, when `email` is the address it was
    mailed to; the token is then used up. Refused (StateError) otherwise: a token unknown,
    used, expired, or sent back from another address.

    A reply from another address leaves the token as it was: a stranger who saw it cannot
    spoil the owner's confirmation.
    """
    found = (
        MailToken.objects.select_for_update()
        .select_related("subscriber", "series")
        .filter(digest=tokens.mail_token_digest(token))
        .first()
    )
    if found is None:
        raise StateError(
            "no confirmation has this token", hint="reply to the confirmation mail as it is"
        )
    if found.used_at is not None:
        raise StateError("this confirmation was used already (a replayed reply)")
    if found.subscriber.email != normalize_email(email):
        raise StateError(
            "the reply comes from another address than the one the confirmation was mailed to"
        )
    age = timezone.now() - found.created_at
    if age.total_seconds() > settings.NASHR_CONFIRM_MAX_AGE:
        raise StateError("this confirmation has expired", hint="subscribe again by mail")
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    confirmed = subscriber_confirm(subscriber=found.subscriber, series_ids=(found.series_id,))
    subscriber_id = found.subscriber_id
    series_ids = [one.pk for one in confirmed]

    def send() -> None:
        stored = Subscriber.objects.filter(pk=subscriber_id).first()
        if stored is not None and series_ids:
            series = list(Series.objects.filter(pk__in=series_ids))
            _mail_confirmed_message(subscriber=stored, series=series).send()

    transaction.on_commit(send)
    return confirmed


def subscription_unsubscribe_by_mail(*, token: str) -> list[Series]:
    """Leave the lists an unsubscribe token names (the List-Unsubscribe mailto: of an issue).

    The token is the issue's unsubscribe link's, and works as the link does, for whoever
    holds it; leaving twice changes nothing.
    """
    try:
        found = tokens.read_token(purpose=tokens.UNSUBSCRIBE, token=token)
    except tokens.InvalidToken as exc:
        raise StateError("the unsubscribe token is not valid (altered, or not ours)") from exc
    subscription_unsubscribe(subscriber=found.subscriber, series_ids=found.series_ids)
    return list(Series.objects.filter(pk__in=found.series_ids))


@dataclass(frozen=True)
class MailRefusal:
    """A message to the list address that changed nothing, and why; `where` names it."""

    where: str
    reason: str


@dataclass
class MailCommandsReport:
    messages: int = 0
    subscribed: int = 0  # confirmation mails sent
    confirmed: int = 0
    unsubscribed: int = 0
    ignored: int = 0  # automatic mail
    refused: list[MailRefusal] = field(default_factory=list)


def _mail_command_run(command: mailcommands.MailCommand, report: MailCommandsReport) -> None:
    """Do what one read command asks, within the rate limits; ApplicationError if refused."""
    if command.verb == mailcommands.SUBSCRIBE:
        series = Series.objects.filter(slug=command.argument.lower()).first()
        if series is None:
            raise NotFound(f"there is no bulletin “{command.argument}”")
        address = _check_email(command.sender, where="From")
        limit, window = settings.NASHR_SUBSCRIBE_ADDRESS_RATE
        # The same count as the site's form: by mail or by form, as many mails in all.
        if not ratelimit.hit(kind="address", value=address, limit=limit, window=window):
            raise StateError("this address asked for confirmation mails too often")
        limit, window = settings.NASHR_LIST_MAIL_RATE
        if not ratelimit.hit(kind="list-mail", value="all", limit=limit, window=window):
            raise StateError(
                "NASHR_LIST_MAIL_RATE reached: no more answers are mailed this hour",
                hint="the message was left read; the sender may write again later",
            )
        subscriber_subscribe_by_mail(email=address, series=series)
        report.subscribed += 1
    elif command.verb == mailcommands.CONFIRM:
        subscriber_confirm_by_mail(email=command.sender, token=command.argument)
        report.confirmed += 1
    else:
        subscription_unsubscribe_by_mail(token=command.argument)
        report.unsubscribed += 1


def _mail_command_one(
    *, where: str, raw: bytes, report: MailCommandsReport, dns: mailcommands.DnsLookup | None
) -> None:
    """One message, whatever it holds: a refusal is reported, and the next one is read."""
    report.messages += 1
    limit = settings.NASHR_LIST_MAX_BYTES
    if len(raw) > limit:
        report.refused.append(
            MailRefusal(where, f"larger than NASHR_LIST_MAX_BYTES ({limit} bytes)")
        )
        return
    try:
        command = mailcommands.mail_command_read(raw, dns=dns)
    except mailcommands.Ignored:
        report.ignored += 1
        return
    except mailcommands.Refused as exc:
        report.refused.append(MailRefusal(where, str(exc)))
        return
    except RecursionError:
        report.refused.append(MailRefusal(where, "nested too deeply to be read"))
        return
    except Exception as exc:  # the email parser's, for malformed input
        report.refused.append(MailRefusal(where, f"cannot be read ({type(exc).__name__}: {exc})"))
        return
    limit, window = settings.NASHR_LIST_SENDER_RATE
    if not ratelimit.hit(kind="list-sender", value=command.sender, limit=limit, window=window):
        report.refused.append(
            MailRefusal(
                where, f"more than {limit} messages from its sender (NASHR_LIST_SENDER_RATE)"
            )
        )
        return
    try:
        _mail_command_run(command, report)
    except ApplicationError as exc:
        report.refused.append(MailRefusal(where, f"{command.verb}: {exc}"))


def mail_commands_ingest(
    *, source: Path | bytes, dns: mailcommands.DnsLookup | None = None
) -> MailCommandsReport:
    """Read one message (bytes) or the new messages of a Maildir sent to the list address,
    and do what each asks (see nashr.subscribers.mailcommands).

    A Maildir's messages are taken from new/ into cur/ and read there, so the next run
    reads only what arrived since. `dns` looks up DKIM keys (None: the system's DNS).
    """
    if not mailcommands.list_address():
        raise StateError(
            "NASHR_LIST_ADDRESS is not set: mail commands are off",
            where="NASHR_LIST_ADDRESS",
            hint="set it to the address whose mail this command reads",
        )
    cutoff = timezone.now() - dt.timedelta(seconds=settings.NASHR_CONFIRM_MAX_AGE)
    MailToken.objects.filter(created_at__lt=cutoff).delete()
    report = MailCommandsReport()
    if isinstance(source, bytes):
        _mail_command_one(where="standard input", raw=source, report=report, dns=dns)
        return report
    maildir_check(source)
    limit = settings.NASHR_LIST_MAX_BYTES
    for _where, entry in maildir_entries(source, folders=("new",)):
        # At most once: a run killed halfway loses the message it held (its sender may
        # write again), and never answers one twice.
        path = maildir_claim(entry)
        if path is None:
            continue
        where = f"cur/{path.name}"
        try:
            raw = read_limited(path, limit)
        except OSError as exc:
            report.refused.append(MailRefusal(where, f"cannot be opened ({exc.strerror})"))
            continue
        _mail_command_one(where=where, raw=raw, report=report, dns=dns)
    return report
