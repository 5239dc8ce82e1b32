"""What keeps a file from import, said with its file, line and field."""

from __future__ import annotations

from dataclasses import dataclass

from nashr.core.exceptions import ImportFailed


@dataclass(frozen=True)
class Problem:
    """What is wrong with one file, where, and what to do."""

    path: str
    message: str
    line: int | None = None
    field: str | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return f"{text} ({self.hint})" if self.hint else text


class Refused(Exception):
    """A file that cannot be read any further: its problems end the reading of it."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = list(problems)


def import_failed(problems: list[Problem], *, unit: str = "file") -> ImportFailed:
    """The error of a run with problems: how many, in how many files (or items, rows of
    an old site's database or export), and that nothing was saved."""
    places = len({problem.path for problem in problems})
    return ImportFailed(
        f"{len(problems)} problem(s) in {places} {unit}(s); nothing was imported",
        hint="fix them and run the import again",
        problems=problems,
    )
