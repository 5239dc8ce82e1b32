"""The Persian interface comes from locale/ (LOCALE_PATHS), with every message translated."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils.translation import gettext, override

PO = Path(settings.LOCALE_PATHS[0]) / "fa" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated() -> None:
    """msgfmt counts no untranslated and no fuzzy message in the Persian catalogue."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "translated messages." in result.stderr, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_persian_pages_use_the_catalogue(client: Client, db: None) -> None:
    """/fa/ is in Persian (compiled from locale/: `make test` runs compilemessages)."""
    assert PO.with_suffix(".mo").exists(), "run `nashr compilemessages` (make test does)"
    with override("fa"):
        assert gettext("Latest publications") == "تازه‌ترین نوشته‌ها"
    html = client.get("/fa/").content.decode()
    assert "<title>نشر</title>" in html
    assert "تازه‌ترین نوشته‌ها" in html
    assert "Latest publications" not in html
    assert "Latest publications" in client.get("/en/").content.decode()
