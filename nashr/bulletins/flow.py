"""An issue's way through the admin, one page per step: items → preview → publish → send.

Each step's page shows the four steps with its own highlighted (`flow_steps`); the send
step's page belongs to the delivery admin, which shows them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nashr.bulletins.models import Bulletin

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

ITEMS, PREVIEW, PUBLISH, SEND = "items", "preview", "publish", "send"
STEP_LABELS: dict[str, StrOrPromise] = {
    ITEMS: _("Items"),
    PREVIEW: _("Preview"),
    PUBLISH: _("Publish"),
    SEND: _("Send"),
}


@dataclass(frozen=True)
class Step:
    """One step as its page shows it: `url` is empty where the step cannot be taken now
    (sending a draft, publishing a published issue)."""

    name: str
    label: StrOrPromise
    url: str
    state: str  # "done", "current" or "todo"


def step_url(*, bulletin: Bulletin, name: str) -> str:
    """The page of step `name` of `bulletin`, or "" while the step is not open to it."""
    if name == ITEMS:
        return reverse("admin:bulletins_bulletin_change", args=[bulletin.pk])
    if name == PREVIEW:
        return reverse("admin:bulletins_bulletin_step_preview", args=[bulletin.pk])
    if name == PUBLISH and not bulletin.is_published:
        return reverse("admin:bulletins_bulletin_publish", args=[bulletin.pk])
    if name == SEND and bulletin.is_published:
        return reverse("admin:delivery_sending_send", args=[bulletin.pk])
    return ""


def flow_steps(*, bulletin: Bulletin, current: str) -> list[Step]:
    """The four steps of `bulletin`, `current` highlighted; a published issue has done
    the first three."""
    steps = []
    for name, label in STEP_LABELS.items():
        if name == current:
            state = "current"
        elif bulletin.is_published and name != SEND:
            state = "done"
        else:
            state = "todo"
        steps.append(Step(name, label, step_url(bulletin=bulletin, name=name), state))
    return steps
