"""The subscribers list of the admin finds the readers of a list by its name, however
Persian was typed (an address is ASCII; the list's name is what an editor types)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nashr.testing.spellings import KEYBOARD_SPELLINGS, admin_search

pytestmark = pytest.mark.django_db
CHANGELIST = "/fa/admin/subscribers/subscriber/"


@pytest.mark.parametrize(("stored", "typed"), KEYBOARD_SPELLINGS)
def test_search_finds_keyboard_spellings(
    admin_client: Any,
    make_series: Callable[..., Any],
    make_subscribers: Callable[..., list[Any]],
    stored: str,
    typed: str,
) -> None:
    """«كارگران», «زنداني», «گفتوگو» find the readers of the list named with «کارگران»,
    «زندانی», «گفت‌وگو», and only them."""
    wanted = make_series(slug="workers", title=f"خبرنامه {stored}", language="fa")
    other = make_series(slug="monthly", title="خبرنامه ماهانه", language="fa")
    readers = make_subscribers(wanted, 2, prefix="worker")
    make_subscribers(other, 2, prefix="monthly")
    found = admin_search(admin_client, CHANGELIST, typed)
    assert sorted(subscriber.pk for subscriber in found) == sorted(r.pk for r in readers)
