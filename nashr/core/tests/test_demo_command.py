"""`nashr demo` loads every part the apps registered, and knows no other."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from nashr.core.demo import demo_parts


def test_every_part_is_loaded_by_an_installed_app() -> None:
    """Each part's loader is a module of an installed app (the publications are brought in
    by the importers, as an organization's old site would be)."""
    parts = demo_parts()
    assert [part.name for part in parts] == ["accounts", "publications", "bulletins"]
    installed = [app.name for app in apps.get_app_configs()]
    for part in parts:
        assert any(part.load.__module__.startswith(f"{name}.") for name in installed)


@pytest.mark.django_db
def test_demo_loads_every_registered_part_in_order() -> None:
    """One run loads each registered part once, in the order registered."""
    out = io.StringIO()
    call_command("demo", stdout=out)
    loaded = [
        line.removeprefix("demo part loaded: ")
        for line in out.getvalue().splitlines()
        if line.startswith("demo part loaded: ")
    ]
    assert loaded == [part.name for part in demo_parts()]


@pytest.mark.django_db
def test_an_unknown_part_is_refused_naming_the_known_ones() -> None:
    """`--only` with a name no app registered loads nothing and lists the parts there are."""
    out = io.StringIO()
    with pytest.raises(CommandError, match="there are: accounts, publications, bulletins"):
        call_command("demo", "--only", "nashr.search.demo", stdout=out)
    assert out.getvalue() == ""
