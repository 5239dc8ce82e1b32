"""/favicon.ico answers with the site's icon, the same picture as favicon.svg."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import ModuleType

from django.conf import settings
from django.test import Client
from PIL import Image, ImageChops, ImageStat
from PIL.IcoImagePlugin import IcoImageFile
from playwright.sync_api import Browser


def _drawing() -> ModuleType:
    """scripts/favicon-ico.py, which draws the ICO from the SVG."""
    path = Path(settings.BASE_DIR) / "scripts" / "favicon-ico.py"
    spec = importlib.util.spec_from_file_location("favicon_ico", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _icon(client: Client) -> Image.Image:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and not response.cookies
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response["Cache-Control"].startswith("public, max-age=")
    return Image.open(io.BytesIO(response.content))


def test_favicon_ico_is_an_icon_in_three_sizes(client: Client, db: None) -> None:
    """/favicon.ico (asked for by the admin's pages, feed readers, images opened alone) is
    an ICO holding the icon at 16, 32 and 48 pixels."""
    icon = _icon(client)
    assert icon.format == "ICO"
    assert icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}


def test_favicon_ico_is_the_svg_drawn(client: Client, db: None, chromium: Browser) -> None:
    """Each size of the ICO is favicon.svg as Chromium draws it (redraw the ICO with
    scripts/favicon-ico.py after changing the SVG)."""
    drawing = _drawing()
    svg = (drawing.STATIC / "favicon.svg").read_text(encoding="utf-8")
    icon = _icon(client)
    assert isinstance(icon, IcoImageFile)
    for size in drawing.SIZES:
        frame = icon.ico.getimage((size, size)).convert("RGBA")
        drawn = drawing.draw(svg, size, chromium)
        difference = ImageStat.Stat(ImageChops.difference(frame, drawn)).mean
        assert max(difference) < 2, f"{size} px: favicon.ico differs from favicon.svg"
