"""Uploads benchmark: processing time of a 12-megapixel JPEG, bytes of a page with three
photos read at 390 px width. Prints one JSON object. Run by hand:

    .venv/bin/python bench/media.py [--uploads 3] [--width 4000 --height 3000] [--dpr 1 2 3]

Uses a throwaway SQLite database and media folder. Each upload is timed through the
service editors use (`media_upload`: decode, orientation, sRGB, re-encode, WebP and JPEG
variants at 480/800/1200/1600 px and the print one, storage). The page is then served by
Django's live server and read by Debian's Chromium at 390 CSS pixels wide, at each device
pixel ratio given, scrolled to the end; `page_bytes` counts every response body (HTML,
CSS, fonts, images), `image_bytes` the photos alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def scene(width: int, height: int, seed: int) -> bytes:
    """A JPEG that compresses like a photograph: smooth sky, texture, edges."""
    from PIL import Image, ImageDraw, ImageFilter

    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    texture = Image.effect_noise((width // 4, height // 4), 60).resize((width, height))
    picture = Image.blend(sky, Image.merge("RGB", (texture,) * 3), 0.25)
    draw = ImageDraw.Draw(picture)
    for index in range(12):
        x = (index * 337 + seed * 911) % width
        draw.rectangle((x, height // 2, x + width // 20, height), fill=(40 + index * 9, 60, 90))
    out = io.BytesIO()
    picture.filter(ImageFilter.GaussianBlur(1)).save(out, "JPEG", quality=90)
    return out.getvalue()


def read_page(url: str, dpr: float) -> dict[str, Any]:
    from playwright.sync_api import Response, sync_playwright

    sizes: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=dpr
        )
        page = context.new_page()

        def count(response: Response) -> None:
            sizes[response.url] = len(response.body())

        page.on("response", count)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        for _ in range(15):
            page.mouse.wheel(0, 800)
            page.wait_for_timeout(100)
        page.wait_for_load_state("networkidle")
        browser.close()
    images = {u: n for u, n in sizes.items() if "/media/uploads/" in u}
    return {
        "device_pixel_ratio": dpr,
        "page_bytes": sum(sizes.values()),
        "image_bytes": sum(images.values()),
        "images": sorted(u.rsplit("/", 1)[-1].split("-", 1)[-1] for u in images),
        "requests": len(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=3, help="12-megapixel uploads to time")
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--dpr", type=float, nargs="+", default=[1.0, 2.0, 3.0])
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="nashr-bench-media-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread

    from nashr.core.actors import COMMAND
    from nashr.media.services import media_upload
    from nashr.publications import services
    from nashr.testing.pages import ensure_default_kinds

    settings.MEDIA_ROOT = f"{tmp}/media"
    call_command("migrate", verbosity=0)
    kinds = ensure_default_kinds()

    timings: list[float] = []
    photos = []
    for seed in range(max(args.uploads, 3)):
        data = scene(args.width, args.height, seed)
        started = time.perf_counter()
        photos.append(
            media_upload(
                actor=COMMAND,
                name=f"photo{seed}.jpg",
                data=data,
                title=f"photo {seed}",
                language="fa",
                alt_text="جمعیت در میدان",
            )
        )
        timings.append(time.perf_counter() - started)
    body = "\n\n".join(f"بند {n}.\n\n![](media:{p.pk})" for n, p in enumerate(photos[:3], 1))
    publication = services.publication_create(
        actor=COMMAND,
        kind=kinds["statement"],
        language="fa",
        title="تجمع",
        body=body,
        date=dt.date(2024, 3, 18),
        status="published",
    )
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    url = f"http://127.0.0.1:{server.port}{publication.get_absolute_url()}"
    try:
        pages = [read_page(url, dpr) for dpr in args.dpr]
    finally:
        server.terminate()
    print(
        json.dumps(
            {
                "upload": {
                    "megapixels": round(args.width * args.height / 1e6, 1),
                    "input_bytes": len(scene(args.width, args.height, 0)),
                    "seconds_median": round(statistics.median(timings), 3),
                    "seconds_each": [round(t, 3) for t in timings],
                    "variants": len(photos[0].variants),
                },
                "page_at_390px": pages,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
