"""Named parts that apps register with core from their `AppConfig.ready()`.

Core imports no Nashr app; where it runs something of each app's (the scheduler's jobs,
the demo content), the apps hand it over, and core keeps them here: in the order they
were registered (INSTALLED_APPS order), each refused unless the parts it names in
`after` are there already, so an order that matters is written down and checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar


class Part(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def after(self) -> tuple[str, ...]: ...


P = TypeVar("P", bound=Part)


class Registry(Generic[P]):
    """The parts of one kind (`what`, for messages), in the order they were registered."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._parts: dict[str, P] = {}

    def register(self, part: P) -> None:
        """Add `part` after the parts it names in `after`.

        The same part again (a second `ready()` in tests) changes nothing; another part
        under a taken name, or one whose predecessors are not registered yet, is refused.
        """
        if self._parts.get(part.name, part) != part:
            raise ValueError(f"a {self.what} named “{part.name}” is registered already")
        missing = [name for name in part.after if name not in self._parts]
        if missing:
            raise ValueError(
                f"the {self.what} “{part.name}” comes after {', '.join(missing)}, which is "
                "not registered yet: register that first (INSTALLED_APPS order)"
            )
        self._parts[part.name] = part

    def __iter__(self) -> Iterator[P]:
        return iter(list(self._parts.values()))

    def names(self) -> list[str]:
        return list(self._parts)

    def get(self, name: str) -> P:
        """The part named `name`; a name not registered is refused, naming those that are."""
        try:
            return self._parts[name]
        except KeyError:
            known = ", ".join(self._parts) or "none"
            raise LookupError(f"no {self.what} is named “{name}” (there are: {known})") from None
