"""The issues list of the admin finds headlines however Persian was typed."""

from __future__ import annotations

from typing import Any

import pytest

from nashr.bulletins.models import Series
from nashr.bulletins.services import bulletin_draft, bulletin_publish
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


@pytest.mark.django_db
def test_issue_named_with_persian_digits_is_found_by_its_number(
    admin_client: Any, persian_series: Series
) -> None:
    """«خبرنامه نشر ۲» finds issue ۲ of «خبرنامه نشر», not issue ۱ whose headline holds a ۲;
    the year ۱۴۰۲ finds both issues of that year."""
    first = bulletin_publish(
        actor=COMMAND,
        bulletin=bulletin_draft(actor=COMMAND, series=persian_series, year=1402, month=8,
                                editorial_title="آزادی ۲ زندانی", editorial_body="متن.",
                                propose=False),
    )  # fmt: skip
    second = bulletin_publish(
        actor=COMMAND,
        bulletin=bulletin_draft(actor=COMMAND, series=persian_series, year=1402, month=9,
                                editorial_title="ماه اعتراض‌ها", editorial_body="متن.",
                                propose=False),
    )  # fmt: skip
    assert (first.number, second.number) == (1, 2)
    title = persian_series.title
    assert admin_search(admin_client, CHANGELIST, f"{title} ۲") == [second]
    assert admin_search(admin_client, CHANGELIST, f"{title} 1") == [first]
    assert admin_search(admin_client, CHANGELIST, "۱۴۰۲") == [second, first]
    assert admin_search(admin_client, CHANGELIST, "زندانی") == [first]
