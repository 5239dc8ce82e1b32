"""What Nashr's management commands share: acting as a staff member, clean errors."""

from __future__ import annotations

import argparse

from django.contrib.auth import get_user_model

from nashr.core.actors import COMMAND, Actor
from nashr.core.exceptions import NotFound


def add_actor_argument(parser: argparse.ArgumentParser) -> None:
    """`--as USERNAME`: act with that staff member's role instead of the operator's."""
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="USERNAME",
        default="",
        help="act as this staff member, with their role's permissions (default: the "
        "server's operator, who may do everything)",
    )


def actor_from_options(options: dict[str, object]) -> Actor:
    """The staff member named by `--as`, or the operator running the command."""
    username = str(options.get("actor") or "")
    if not username:
        return COMMAND
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(
            f"no active staff member is called “{username}”",
            where="--as",
            hint="give the username of an active staff account",
        )
    return user
