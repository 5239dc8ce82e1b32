"""One error hierarchy for everything a user can get wrong.

Each error says what was wrong, where (file, line, field) and what to do, so that a
command prints it as it is and a view shows it next to the field.
"""

from __future__ import annotations

from collections.abc import Sequence


class ApplicationError(Exception):
    """A failure that the user can act on; its message is shown to them as it is."""

    def __init__(self, message: str, *, where: str = "", hint: str = "") -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class ValidationError(ApplicationError):
    """Input that breaks a rule: a missing field, an impossible date, an unknown language."""


class ImportFailed(ApplicationError):
    """A file that could not be imported; nothing of the import was saved.

    ``problems`` lists every problem found in the run (each names its file and line).
    """

    def __init__(
        self, message: str, *, where: str = "", hint: str = "", problems: Sequence[object] = ()
    ) -> None:
        super().__init__(message, where=where, hint=hint)
        self.problems = list(problems)
        # What a refused dry run found besides the problems (counts, choices), to print.
        self.report: list[str] = []


class NotFound(ApplicationError):
    """Something named on the command line or in a form does not exist."""


class StateError(ApplicationError):
    """An action that the object's current state does not allow (publishing twice...)."""


class PermissionDenied(ApplicationError):
    """The actor's role does not allow the action (an author publishing, say)."""
