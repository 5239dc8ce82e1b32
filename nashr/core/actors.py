"""Who performs an action: a staff member, or the system acting on an operator's behalf.

Every service that changes what readers see or who receives mail takes ``actor`` and
checks the actor's permissions itself, so the admin, the commands, the importers and
the task worker obey one rule. A staff member is a Django user (their groups are the
roles of ``nashr.accounts.roles``). Commands run on the server by its operator, the
task worker and the demo loader act as a ``SystemActor``, which holds every permission:
whoever runs commands on the server can already change its database. A command that
should act with a staff member's role takes ``--as USERNAME``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from nashr.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class SystemActor:
    """An action not taken by a staff member in the admin: a command, a task, the demo."""

    name: str

    pk = None
    is_active = True
    is_staff = False

    def __str__(self) -> str:
        return f"system:{self.name}"

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return True


COMMAND = SystemActor("command")
TASKS = SystemActor("tasks")
DEMO = SystemActor("demo")

Actor: TypeAlias = "User | AnonymousUser | SystemActor"


def actor_user(actor: Actor) -> User | None:
    """The staff member behind the action, for `created_by` fields; None for the system."""
    if isinstance(actor, SystemActor) or actor.pk is None:
        return None
    return actor if not actor.is_anonymous else None


def actor_label(actor: Actor) -> str:
    """How an error or a log names the actor: their username, or "system:command"."""
    if isinstance(actor, SystemActor):
        return str(actor)
    return str(actor.get_username()) or "anonymous"


def refusal(actor: Actor, *, action: str) -> PermissionDenied:
    """The error for an actor whose role does not allow `action`.

    `action` completes the sentence "… may not {action}".
    """
    return PermissionDenied(
        f"{actor_label(actor)} may not {action}",
        hint="ask an editor or an administrator, or have an administrator change your role",
    )


def require(actor: Actor, *perms: str, action: str, obj: Any = None) -> None:
    """Refuse `action` unless the actor holds every one of `perms`."""
    if not all(actor.has_perm(perm, obj) for perm in perms):
        raise refusal(actor, action=action)


def require_any(actor: Actor, *perms: str, action: str, obj: Any = None) -> None:
    """Refuse `action` unless the actor holds at least one of `perms`."""
    if not any(actor.has_perm(perm, obj) for perm in perms):
        raise refusal(actor, action=action)
