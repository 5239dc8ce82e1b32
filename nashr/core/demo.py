"""The demo content (`nashr demo`), in parts that the apps register from `ready()`.

A part is a function that loads one app's demo content and, run again, changes nothing;
it may use what the parts before it made (the issues are built from the publications),
and names those in `after`. The command runs every part in order, each in a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from nashr.core.registry import Registry


class DemoOutput(Protocol):
    """Where a part says what it did: a text stream, or the command's `stdout`."""

    def write(self, text: str, /) -> object: ...


class DemoLoad(Protocol):
    def __call__(self, *, stdout: DemoOutput | None = None) -> None: ...


@dataclass(frozen=True)
class DemoPart:
    """One app's demo content; `name` is the app's label (`nashr demo --only NAME`)."""

    name: str
    load: DemoLoad
    after: tuple[str, ...] = ()


DEMO_PARTS: Registry[DemoPart] = Registry("demo part")


def demo_part_register(part: DemoPart) -> None:
    """Add `part` to `nashr demo`, after the parts it names in `after`."""
    DEMO_PARTS.register(part)


def demo_parts() -> list[DemoPart]:
    """The registered parts, in the order `nashr demo` loads them."""
    return list(DEMO_PARTS)
