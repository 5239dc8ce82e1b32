from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Uploads go to a folder of the test's own."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)  # type: ignore[attr-defined]
    return root


def photo_bytes(*, width: int = 1600, height: int = 1200, quality: int = 92) -> bytes:
    """A JPEG with detail (a noise pattern over a gradient), as a camera would give."""
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40)
    picture = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()


def scene_bytes(*, width: int = 4000, height: int = 3000, seed: int = 0) -> bytes:
    """A JPEG that compresses like a photograph: smooth areas, some texture, edges."""
    from PIL import ImageDraw, ImageFilter

    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    texture = Image.effect_noise((width // 4, height // 4), 60).resize((width, height))
    picture = Image.blend(sky, Image.merge("RGB", (texture,) * 3), 0.25)
    draw = ImageDraw.Draw(picture)
    for index in range(12):
        x = (index * 337 + seed * 911) % width
        draw.rectangle((x, height // 2, x + width // 20, height), fill=(40 + index * 9, 60, 90))
    picture = picture.filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def tagged_photo(tmp_path: Path) -> bytes:
    """A photo carrying what betrays its author: GPS, camera serial, XMP, IPTC, thumbnail."""
    thumb = tmp_path / "thumb.jpg"
    Image.new("RGB", (160, 120), "red").save(thumb)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_bytes())
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original",
         "-GPSLatitude=35.6892", "-GPSLatitudeRef=N", "-GPSLongitude=51.389",
         "-GPSLongitudeRef=E", "-Make=Canon", "-Model=EOS 5D", "-SerialNumber=123456",
         "-DateTimeOriginal=2023:10:12 14:00:00", "-Orientation#=6",
         f"-ThumbnailImage<={thumb}", "-XMP-dc:Creator=Ali Rezaei",
         "-IPTC:By-line=Ali Rezaei", "-Comment=Tehran, Enghelab square", str(photo)],
        check=True,
    )  # fmt: skip
    return photo.read_bytes()
