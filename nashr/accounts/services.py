"""Writes for staff accounts: editorial roles, login throttling, two-factor devices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from nashr.accounts import selectors
from nashr.accounts.models import LoginThrottle
from nashr.accounts.roles import ROLE_PERMISSIONS
from nashr.audit.services import audit_record
from nashr.core.actors import Actor, SystemActor, refusal, require
from nashr.core.calendars import to_latin_digits
from nashr.core.clients import address_hash
from nashr.core.exceptions import NotFound, ValidationError
from nashr.core.mail import notification_message

# How much larger the allowance of one address is than that of one user name at it: an
# office behind one address has several editors, a password sprayer tries many names.
ADDRESS_FACTOR = 5
MAX_LOCKOUT = dt.timedelta(days=1)
_PAIR_NAMESPACE = "nashr.accounts.login.address-user"


def _is_installed_label(app_label: str) -> bool:
    return any(config.label == app_label for config in apps.get_app_configs())


def _permissions_for(patterns: tuple[str, ...]) -> list[Permission]:
    permissions = Permission.objects.select_related("content_type")
    chosen: dict[int, Permission] = {}
    for pattern in patterns:
        if pattern == "*":
            chosen.update({p.pk: p for p in permissions})
            continue
        app_label, _dot, codename = pattern.partition(".")
        if not _is_installed_label(app_label):
            continue
        matching = permissions.filter(content_type__app_label=app_label)
        if codename != "*":
            matching = matching.filter(codename=codename)
        chosen.update({p.pk: p for p in matching})
    return list(chosen.values())


@transaction.atomic
def roles_sync(*, using: str = "default") -> list[Group]:
    """Create the role groups if missing and give each exactly its permissions.

    Idempotent: running it again changes nothing. Runs after every ``migrate``.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are created per app after its migrations; make sure every app's exist
    # before handing them out.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    groups = []
    for name, patterns in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(_permissions_for(patterns))
        groups.append(group)
    return groups


@dataclass(frozen=True)
class Lock:
    key: str
    seconds: int


def _keys(*, username: str, address: str) -> list[tuple[str, int]]:
    """The counters one login attempt touches, each with its allowance of failures.

    Never the user name alone: counting per name would let anyone lock a staff member
    out by guessing at their name. The address counter stops one visitor guessing many
    names; the address-and-name counter stops them guessing one name's password, and
    leaves the name free at the staff member's own address. Both are keyed hashes.
    """
    allowed: int = settings.NASHR_LOGIN_FAILURES_ALLOWED
    hashed_address = address_hash(address)
    name = username.strip().lower()[:150]
    pair = salted_hmac(_PAIR_NAMESPACE, f"{hashed_address}:{name}", algorithm="sha256")
    return [
        (f"address:{hashed_address}", allowed * ADDRESS_FACTOR),
        (f"address-user:{pair.hexdigest()}", allowed),
    ]


def login_lock(*, username: str, address: str) -> Lock | None:
    """The lock that keeps this address, or this user name at it, from trying now."""
    now = timezone.now()
    keys = [key for key, _allowed in _keys(username=username, address=address)]
    locked = (
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .first()
    )
    if locked is None or locked.locked_until is None:
        return None
    return Lock(locked.key, max(1, int((locked.locked_until - now).total_seconds())))


@transaction.atomic
def login_failure_record(*, username: str, address: str) -> None:
    """Count a failed login; past the allowance, lock for a time that doubles each time."""
    now = timezone.now()
    window = dt.timedelta(seconds=settings.NASHR_LOGIN_LOCKOUT_SECONDS)
    for key, allowed in _keys(username=username, address=address):
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
            key=key, defaults={"first_failure_at": now}
        )
        lock_expired = throttle.locked_until is not None and throttle.locked_until <= now
        if now - throttle.first_failure_at > window and not lock_expired:
            throttle.failures = 0
            throttle.first_failure_at = now
        throttle.failures += 1
        if throttle.failures >= allowed:
            doublings = min(throttle.failures - allowed, 10)
            throttle.locked_until = now + min(window * 2**doublings, MAX_LOCKOUT)
        throttle.save()
    # The account tried, if there is one; a name that is none is not kept (it may be a
    # password typed in the wrong field).
    audit_record(actor=AnonymousUser(), action="login.failure", target=_staff_named(username))


def login_success_record(*, username: str, address: str) -> None:
    """A correct login clears the count of this user name at this address only.

    The address's own count stays: one staff member's login must not wipe out the
    failures of a sprayer sharing their address (an office, a VPN exit).
    """
    key = _keys(username=username, address=address)[1][0]
    LoginThrottle.objects.filter(key=key).delete()
    user = _staff_named(username)
    if user is not None:
        audit_record(actor=user, action="login.success", target=user)


def _staff_named(username: str) -> User | None:
    model = get_user_model()
    found: User | None = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    return found


@transaction.atomic
def staff_roles_set(
    *,
    actor: Actor,
    user: AbstractBaseUser,
    roles: Iterable[Group],
    permissions: Iterable[Permission] | None = None,
) -> None:
    """Give a staff member exactly the roles (groups) `roles`, and `permissions` if given.

    A change is recorded in the audit trail: roles and permissions decide who may
    publish and send.
    """
    require(actor, "auth.change_user", action=f"change the roles of {user.get_username()}")
    # AbstractBaseUser has neither; the User model (PermissionsMixin) has both.
    groups = user.groups  # type: ignore[attr-defined]
    granted = user.user_permissions  # type: ignore[attr-defined]
    before = _access(groups, granted)
    groups.set(list(roles))
    if permissions is not None:
        granted.set(list(permissions))
    after = _access(groups, granted)
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if changes:
        audit_record(actor=actor, action="staff.roles_set", target=user, changes=changes)


def _access(groups: Any, granted: Any) -> dict[str, list[str]]:
    return {
        "roles": sorted(groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in granted.values_list("content_type__app_label", "codename")
        ),
    }


@dataclass(frozen=True)
class Enrolment:
    config_url: str
    backup_codes: list[str]


@transaction.atomic
def totp_enrol(
    *, actor: Actor, user: AbstractBaseUser, name: str = "authenticator", backup_codes: int = 0
) -> Enrolment:
    """A confirmed TOTP device for a staff user (replacing one of the same name).

    The person running this has the server in hand, so the device is trusted at once;
    its secret is shown once, as an ``otpauth://`` URI for an authenticator app.
    """
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not getattr(user, "is_staff", False):
        raise ValidationError(
            f"{user.get_username()} is not a staff user",
            hint="two-factor login guards the admin; make the account staff first",
        )
    if not 0 <= backup_codes <= 20:
        raise ValidationError("backup codes must be between 0 and 20", where="--backup-codes")
    TOTPDevice.objects.filter(user=user, name=name).delete()
    device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
    codes: list[str] = []
    if backup_codes:
        StaticDevice.objects.filter(user=user, name="backup codes").delete()
        static = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
        for _i in range(backup_codes):
            token = StaticToken.random_token()
            static.token_set.create(token=token)
            codes.append(token)
    facts = {"device": name, "backup_codes": len(codes)}
    audit_record(actor=actor, action="staff.totp_enrol", target=user, changes=facts)
    return Enrolment(config_url=device.config_url, backup_codes=codes)


# The name of a device a staff member enrols for themselves (shown in the device lists).
SELF_ENROLLED_NAME = "authenticator app"


def _require_own_first_factor(*, actor: Actor, user: Any) -> None:
    """Refuse unless `actor` is `user`, a staff member with no confirmed second factor yet.

    Nobody enrols a device for another account (its key would be known to them), and a
    session cannot add a device to an account that has one: a stolen session would
    otherwise keep its thief's device. A lost device is removed by an administrator
    (``second_factor_remove``); its holder then enrols a new one here.
    """
    if isinstance(actor, SystemActor) or getattr(actor, "pk", None) != user.pk:
        raise refusal(actor, action=f"enrol a second factor for {user.get_username()}")
    if not (user.is_active and user.is_staff):
        raise ValidationError(_("Only active staff accounts log in with a second factor."))
    if selectors.has_second_factor(user=user):
        raise ValidationError(
            _("Your account already has a second factor."),
            hint=_("to replace a lost one, ask an administrator to remove it first"),
        )
    if not selectors.may_enrol_first_factor(user=user):
        raise ValidationError(
            _("The time to set up a second factor for this account has passed."),
            hint=_("ask an administrator to open it again"),
        )


def second_factor_enrolment_open(*, actor: Actor, user: Any) -> None:
    """Let `user` enrol a first second factor again for NASHR_ENROLMENT_HOURS, with the
    password alone (an account that never enrolled in time, or whose holder lost the
    device before it was removed)."""
    require(
        actor, "auth.change_user", action=f"open second-factor enrolment of {user.get_username()}"
    )
    if selectors.has_second_factor(user=user):
        raise ValidationError(
            f"{user.get_username()} already has a second factor",
            hint="remove the lost one instead: its removal opens enrolment",
        )
    audit_record(
        actor=actor,
        action="staff.enrolment_open",
        target=user,
        changes={"hours": settings.NASHR_ENROLMENT_HOURS},
    )


@transaction.atomic
def totp_enrolment_start(*, actor: Actor, user: Any) -> Any:
    """An unconfirmed TOTP device for the actor's own account, to be confirmed by a code.

    The one already begun is returned again (reloading the page shows the same secret);
    it logs nobody in until ``totp_enrolment_confirm`` has seen a code from it.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_own_first_factor(actor=actor, user=user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=SELF_ENROLLED_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, actor: Actor, user: Any, device_id: int, token: str) -> Any:
    """Confirm the actor's own unconfirmed TOTP device with a current code from it.

    The code may be typed in Persian, Arabic-Indic or Latin digits. Every other
    unconfirmed device of the account is removed, and the enrolment recorded.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = to_latin_digits(token).strip().replace(" ", "")
    with transaction.atomic():
        _require_own_first_factor(actor=actor, user=user)
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, pk=device_id, confirmed=False)
            .first()
        )
        if device is None:
            raise NotFound(
                _("This enrolment is no longer open."),
                hint=_("reload the page and scan the new code"),
            )
        allowed, _extra = device.verify_is_allowed()
        # verify_token records a failure in the device's throttle: kept, not rolled back.
        accepted = allowed and code.isdigit() and bool(device.verify_token(code))
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            facts = {"device": device.name, "backup_codes": 0, "by": "self"}
            audit_record(actor=actor, action="staff.totp_enrol", target=user, changes=facts)
    if not allowed:
        raise ValidationError(
            _("Too many wrong codes. Wait a minute, then type the code your app shows.")
        )
    if not accepted:
        raise ValidationError(
            _("That code is not the one your app shows now. Type the current code.")
        )
    return device


@transaction.atomic
def second_factor_remove(*, actor: Actor, device: Any) -> None:
    """Remove a staff member's TOTP device or backup codes, recording whose and which.

    How an administrator resets a lost or stolen second factor. Adding one is never
    another's doing: the holder enrols their own (the enrolment page, through
    ``totp_enrolment_start`` and ``totp_enrolment_confirm``; the passkey pages), so that
    nobody can give an account a key they know.
    """
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    actions = {TOTPDevice: "staff.totp_remove", StaticDevice: "staff.backup_codes_remove"}
    action = actions.get(type(device))
    if action is None:
        raise ValidationError(f"{type(device).__name__} is not a TOTP device or backup codes")
    user = device.user
    opts = device._meta
    require(
        actor,
        f"{opts.app_label}.delete_{opts.model_name}",
        action=f"remove a second factor of {user.get_username()}",
    )
    facts = {"device": device.name, "device_id": device.pk}
    device.delete()
    audit_record(actor=actor, action=action, target=user, changes=facts)


def passkey_enrolment_record(*, actor: Actor, user: Any, device_name: str) -> None:
    """Record that a passkey or security key was registered for `user`, and tell them.

    The ceremony itself is django-otp-webauthn's (its views verify and store the
    credential); this is the audit trail's part of it, called in the same transaction,
    and a mail to the account's address once it commits: whoever holds a stolen session
    and adds their own key is seen by the account's holder.
    """
    name = device_name or "passkey"
    audit_record(actor=actor, action="staff.passkey_enrol", target=user, changes={"device": name})
    _passkey_notice_on_commit(user=user, template="passkey_added", device_name=name)


@transaction.atomic
def passkey_remove(*, actor: Actor, user: Any, credential_id: int) -> str:
    """Remove one of `user`'s own passkeys, record it and tell the account's holder.

    Staff remove their own keys only (an administrator removes another's through the
    account's admin page). Returns the name of the key removed.
    """
    if isinstance(actor, SystemActor) or actor.pk != user.pk:
        raise refusal(actor, action=f"remove a passkey of {user.get_username()}")
    from django_otp_webauthn.models import WebAuthnCredential

    credential = WebAuthnCredential.objects.filter(user=user, pk=credential_id).first()
    if credential is None:
        raise NotFound(
            f"{user.get_username()} has no passkey {credential_id}",
            hint="reload the page of your passkeys: it may have been removed already",
        )
    name = str(credential.name or "passkey")
    credential.delete()
    audit_record(actor=actor, action="staff.passkey_remove", target=user, changes={"device": name})
    _passkey_notice_on_commit(user=user, template="passkey_removed", device_name=name)
    return name


def _passkey_notice_on_commit(*, user: Any, template: str, device_name: str) -> None:
    if not getattr(user, "email", ""):
        return
    user_id = int(user.pk)
    language = translation.get_language() or settings.LANGUAGE_CODE
    at = timezone.now()
    transaction.on_commit(
        lambda: passkey_notice_send(
            user_id=user_id, template=template, device_name=device_name, at=at, language=language
        )
    )


def passkey_notice_send(
    *, user_id: int, template: str, device_name: str, at: dt.datetime, language: str
) -> int:
    """Mail the account's holder that a passkey was added to or removed from the account."""
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None or not user.email:
        return 0
    message = notification_message(
        to=user.email,
        language=language,
        template=f"accounts/email/{template}",
        context={
            "username": user.get_username(),
            "device_name": device_name,
            "at": at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "site_url": settings.NASHR_SITE_URL,
        },
    )
    return message.send()
