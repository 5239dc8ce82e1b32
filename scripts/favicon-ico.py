"""Draw nashr/core/static/nashr/favicon.ico from favicon.svg, with Debian's Chromium.

Run after changing favicon.svg: `.venv/bin/python scripts/favicon-ico.py`.
nashr/core/tests/test_favicon.py holds the two to each other.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "nashr" / "core" / "static" / "nashr"
SIZES = (16, 32, 48)


def draw(svg: str, size: int, browser: Browser) -> Image.Image:
    """The SVG as Chromium draws it in a square of `size` pixels, transparent around it."""
    page = browser.new_page(viewport={"width": size, "height": size})
    page.set_content(
        "<style>html,body{margin:0;background:transparent}"
        f"svg{{display:block;width:{size}px;height:{size}px}}</style>{svg}"
    )
    png = page.screenshot(omit_background=True)
    page.close()
    return Image.open(io.BytesIO(png)).convert("RGBA")


def main() -> None:
    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        frames = [draw(svg, size, browser) for size in SIZES]
        browser.close()
    frames[-1].save(
        STATIC / "favicon.ico",
        format="ICO",
        sizes=[(size, size) for size in SIZES],
        append_images=frames[:-1],
    )


if __name__ == "__main__":
    main()
