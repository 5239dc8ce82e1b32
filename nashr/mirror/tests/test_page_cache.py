"""The mirror's build and the live site's page cache never see each other's pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from nashr.mirror.tests.conftest import BuildMirror
from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db


@override_settings(NASHR_PAGE_CACHE=True)
def test_build_neither_reads_nor_fills_the_page_cache(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path, client: Client
) -> None:
    """A page cached for readers is not copied into the mirror, nor a mirror page served."""
    # Readers come by the site's own address, as the build's requests do.
    host = urlsplit(settings.NASHR_SITE_URL).netloc
    cache.clear()
    live = client.get("/fa/", HTTP_HOST=host)
    assert 'class="subscribe-form"' in live.content.decode()
    build_mirror(forms="note")
    assert 'class="mirror-note"' in (outdir / "fa/index.html").read_text(encoding="utf-8")
    cache.clear()
    build_mirror(forms="note", full=True)
    again = client.get("/fa/", HTTP_HOST=host).content.decode()
    assert 'class="subscribe-form"' in again
    assert 'class="mirror-note"' not in again
