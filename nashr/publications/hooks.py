"""What the apps above publications show on a publication's admin page, reached without
importing them.

An app that keeps something about publications elsewhere (the Telegram channels it was
posted in) registers a section from its `AppConfig.ready()`; the publication's change page
shows each section that has something to say, in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString

from nashr.publications.models import Publication


@dataclass(frozen=True)
class AdminSection:
    """A titled part of the change page: (title, HTML) for a publication, or None."""

    name: str
    render: Callable[[Publication], tuple[str, SafeString] | None]


_sections: dict[str, AdminSection] = {}


def admin_section_register(
    name: str, render: Callable[[Publication], tuple[str, SafeString] | None]
) -> None:
    """Register `render` under `name` (registering a name again replaces it)."""
    _sections[name] = AdminSection(name, render)


def admin_sections(publication: Publication) -> list[tuple[str, SafeString]]:
    """The sections that have something to say about `publication`."""
    shown = (section.render(publication) for section in _sections.values())
    return [section for section in shown if section is not None]
