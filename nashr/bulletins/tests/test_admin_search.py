"""The issues list of the admin finds headlines however Persian was typed."""

from __future__ import annotations

from typing import Any

import pytest

from nashr.bulletins.models import Series
from nashr.bulletins.services import bulletin_draft
from nashr.core.actors import COMMAND
from nashr.testing.spellings import KEYBOARD_SPELLINGS, admin_search

CHANGELIST = "/fa/admin/bulletins/bulletin/"


@pytest.mark.parametrize(("stored", "typed"), KEYBOARD_SPELLINGS)
def test_search_finds_keyboard_spellings(
    admin_client: Any, persian_series: Series, stored: str, typed: str
) -> None:
    """«كارگران», «زنداني», «گفتوگو» find the issue headlined with «کارگران», «زندانی»,
    «گفت‌وگو», as the site's search does."""
    wanted = bulletin_draft(actor=COMMAND, series=persian_series, year=1402, month=8,
                            editorial_title=f"ماه {stored}", propose=False)  # fmt: skip
    bulletin_draft(actor=COMMAND, series=persian_series, year=1402, month=9,
                   editorial_title="ماه اعتراض‌ها", propose=False)  # fmt: skip
    assert admin_search(admin_client, CHANGELIST, typed) == [wanted]
