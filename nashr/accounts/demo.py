"""Demo account: a superuser to look around the admin with (password shown once)."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from nashr.accounts.roles import ADMINISTRATOR
from nashr.core.demo import DemoOutput

USERNAME = "demo"


def load(*, stdout: DemoOutput | None = None) -> None:
    """Create the demo superuser once; its random password is printed that one time."""
    User = get_user_model()
    if User.objects.filter(username=USERNAME).exists():
        if stdout is not None:
            stdout.write(
                f"admin user “{USERNAME}” exists (its password was printed when it was created; "
                f"`nashr changepassword {USERNAME}` sets a new one)\n"
            )
        return
    password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=USERNAME, email="", password=password)
    user.groups.add(Group.objects.get(name=ADMINISTRATOR))
    if stdout is not None:
        stdout.write(
            f"admin user created: {USERNAME} / {password} (shown only now; log in at /fa/admin/)\n"
        )
