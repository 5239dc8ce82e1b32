"""The images list of the admin finds titles and alt texts however Persian was typed."""

from __future__ import annotations

from typing import Any

import pytest

from nashr.core.actors import COMMAND
from nashr.media.services import media_upload
from nashr.testing.spellings import KEYBOARD_SPELLINGS, admin_search

from .conftest import photo_bytes

pytestmark = pytest.mark.django_db
CHANGELIST = "/fa/admin/media/media/"


def _upload(width: int, *, title: str, alt_text: str) -> Any:
    data = photo_bytes(width=width, height=40)
    return media_upload(actor=COMMAND, name=f"{width}.jpg", data=data, title=title,
                        language="fa", alt_text=alt_text)  # fmt: skip


def test_search_finds_keyboard_spellings(admin_client: Any) -> None:
    """«كارگران», «زنداني», «گفتوگو» find the images whose title or alt text has «کارگران»,
    «زندانی», «گفت‌وگو», as the site's search does."""
    _upload(40, title="گزارش سالانه", alt_text="نمودار")
    for index, (stored, typed) in enumerate(KEYBOARD_SPELLINGS):
        titled = _upload(50 + index, title=f"تجمع {stored}", alt_text="میدانی شلوغ")
        described = _upload(60 + index, title="عکس", alt_text=f"چهره‌های {stored} در خیابان")
        found = admin_search(admin_client, CHANGELIST, typed)
        assert sorted(media.pk for media in found) == sorted([titled.pk, described.pk]), typed
