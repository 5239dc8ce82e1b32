"""The PDF's pages as a reader sees them: a wide photo whole in the column, and no item's
signature, date or "read more" cut off from its text onto a page of its own."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageDraw

from nashr.bulletins import services
from nashr.bulletins.models import Bulletin, Series
from nashr.bulletins.rendering import bulletin_pdf
from nashr.bulletins.tests.test_pdf import normalize
from nashr.core.actors import COMMAND
from nashr.media.services import media_upload

pytestmark = pytest.mark.django_db

# A4 in points; pdftoppm at 72 dots per inch draws one pixel per point.
PAGE_WIDTH, PAGE_HEIGHT = 595, 842
MM = 72 / 25.4
# The page's margins (pdf.html's @page): 20 mm above and below, 18 mm at the sides.
CONTENT_TOP, CONTENT_BOTTOM = 20 * MM, PAGE_HEIGHT - 20 * MM
CONTENT_START, CONTENT_END = 18 * MM, PAGE_WIDTH - 18 * MM

PHOTO_WIDTH, PHOTO_HEIGHT = 1600, 1000
# Each corner of the photo a colour nothing else on a page has; the rest a neutral grey.
CORNERS = {
    "top left": (230, 30, 30),
    "top right": (30, 160, 40),
    "bottom left": (30, 40, 220),
    "bottom right": (240, 200, 20),
}
SENTENCE = "شورای هماهنگی بار دیگر بر آزادی بی‌قید و شرط همه‌ی زندانیان سیاسی تأکید می‌کند. "


def corner_photo() -> bytes:
    """A 1600×1000 JPEG whose four corners are squares of the CORNERS colours."""
    picture = Image.new("RGB", (PHOTO_WIDTH, PHOTO_HEIGHT), (128, 128, 128))
    draw = ImageDraw.Draw(picture)
    side = 200
    right, bottom = PHOTO_WIDTH - side, PHOTO_HEIGHT - side
    for (x, y), colour in zip(
        ((0, 0), (right, 0), (0, bottom), (right, bottom)), CORNERS.values(), strict=True
    ):
        draw.rectangle((x, y, x + side - 1, y + side - 1), fill=colour)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92)
    return out.getvalue()


@pytest.fixture
def issue_with_wide_photo(
    settings: Any, tmp_path: Path, persian_series: Series, make_publication: Callable[..., Any]
) -> Bulletin:
    """A Persian issue of three statements; the last ends with the photo, then its date.

    Three paragraphs before the photo bring it near a page's end, where a photo at its
    natural size (264 mm high) leaves its item's date and "read more" to the next page.
    """
    settings.MEDIA_ROOT = str(tmp_path / "media")
    photo = media_upload(
        actor=COMMAND,
        name="square.jpg",
        data=corner_photo(),
        title="Azadi square",
        language="fa",
        alt_text="جمعیت در میدان آزادی",
    )
    bodies = (
        SENTENCE * 12,
        SENTENCE * 30,
        "\n\n".join([SENTENCE * 8] * 3) + f"\n\n![](media:{photo.pk})",
    )
    for index, body in enumerate(bodies):
        make_publication(
            title=f"بیانیه‌ی شماره‌ی {index + 1}",
            body=body,
            date=dt.date(2023, 10, 20) + dt.timedelta(days=index),
        )
    draft = services.bulletin_draft(actor=COMMAND, series=persian_series, year=1402, month=8)
    return services.bulletin_publish(actor=COMMAND, bulletin=draft)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert found is not None
    return int(found.group(1))


def _page_image(pdf: Path, page: int) -> Image.Image:
    """The page as pdftoppm draws it, one pixel per point."""
    png = subprocess.run(
        ["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-png", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def _content_lines(pdf: Path, page: int) -> list[str]:
    """The page's text between its margins (no running header, no page number), by line."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-r", "72", "-f", str(page), "-l", str(page),
         "-x", "0", "-y", str(round(CONTENT_TOP)), "-W", str(PAGE_WIDTH),
         "-H", str(round(CONTENT_BOTTOM - CONTENT_TOP)), str(pdf), "-"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    return [line for line in (normalize(raw) for raw in text.splitlines()) if line]


def _first_text_top(pdf: Path, page: int) -> float:
    """Where the page's first line of text between its margins begins, in points."""
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    tops = [float(top) for top in re.findall(r'<line xMin="[^"]+" yMin="([^"]+)"', layout)]
    return min(top for top in tops if CONTENT_TOP <= top <= CONTENT_BOTTOM)


def _drawn_between(image: Image.Image, top: float, bottom: float) -> bool:
    """Whether anything but white paper is drawn across the column between two heights."""
    box = (round(CONTENT_START), round(top), round(CONTENT_END), max(round(top), round(bottom)))
    if box[3] <= box[1]:
        return False
    darkest, _lightest = image.crop(box).convert("L").getextrema()
    assert isinstance(darkest, int | float)
    return darkest < 235


def _closing_lines(bulletin: Bulletin) -> set[str]:
    """What ends the items: signatory, date and "read more", as pdftotext gives them."""
    closing: set[str] = set()
    assert bulletin.document is not None
    for item in bulletin.document["items"]:
        for text in (item["signatory"], item["date_label"], item["read_more"]["label"]):
            closing.add(normalize(text).replace(" ", ""))
    return closing


def test_no_page_begins_with_an_items_date_or_read_more(
    issue_with_wide_photo: Bulletin, tmp_path: Path
) -> None:
    """Every page whose first words are an item's signature, date or "read more" has that
    item's photo above them: they are never parted from their text or left on a page alone."""
    pdf = tmp_path / "issue.pdf"
    pdf.write_bytes(bulletin_pdf(bulletin=issue_with_wide_photo))
    closing = _closing_lines(issue_with_wide_photo)
    pages = _pages(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        lines = _content_lines(pdf, page)
        if not lines:
            continue  # a page of a photo alone
        assert not all(line.replace(" ", "") in closing for line in lines), (
            f"page {page} holds only {lines}"
        )
        if lines[0].replace(" ", "") in closing:
            top = _first_text_top(pdf, page)
            assert _drawn_between(_page_image(pdf, page), CONTENT_TOP, top - 2), (
                f"page {page} begins with “{lines[0]}”, parted from its item's text"
            )


def _corner_boxes(image: Image.Image) -> dict[str, tuple[int, int, int, int] | None]:
    """The box of each corner colour's pixels on the page, None where there are none."""
    boxes: dict[str, tuple[int, int, int, int] | None] = {}
    for name, colour in CORNERS.items():
        difference = ImageChops.difference(image, Image.new("RGB", image.size, colour))
        furthest = ImageChops.lighter(
            ImageChops.lighter(difference.getchannel(0), difference.getchannel(1)),
            difference.getchannel(2),
        )
        boxes[name] = furthest.point(lambda value: 255 if value < 40 else 0).getbbox()
    return boxes


def test_a_wide_photo_is_shown_whole_within_the_column(
    issue_with_wide_photo: Bulletin, tmp_path: Path
) -> None:
    """The 1600×1000 photo lies on one page with all four corners, inside the margins,
    in its own proportions; pdfimages places it at one resolution across and down."""
    pdf = tmp_path / "issue.pdf"
    pdf.write_bytes(bulletin_pdf(bulletin=issue_with_wide_photo))
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert len(listing) == 1, listing
    columns = listing[0].split()
    page, width, height = int(columns[0]), int(columns[3]), int(columns[4])
    x_ppi, y_ppi = int(columns[12]), int(columns[13])
    assert (width, height) == (PHOTO_WIDTH, PHOTO_HEIGHT)
    assert x_ppi == y_ppi
    assert width / x_ppi * 72 <= CONTENT_END - CONTENT_START + 1  # placed width in points

    boxes = _corner_boxes(_page_image(pdf, page))
    missing = [name for name, box in boxes.items() if box is None]
    assert not missing, f"the photo on page {page} lacks its {', '.join(missing)} corner"
    found = {name: box for name, box in boxes.items() if box is not None}
    left = min(box[0] for box in found.values())
    top = min(box[1] for box in found.values())
    right = max(box[2] for box in found.values())
    bottom = max(box[3] for box in found.values())
    assert left >= CONTENT_START - 1 and right <= CONTENT_END + 1
    assert top >= CONTENT_TOP - 1 and bottom <= CONTENT_BOTTOM + 1
    assert found["top left"][0] == left and found["top right"][2] == right
    assert found["top left"][1] == top and found["bottom left"][3] == bottom
    assert (right - left) / (bottom - top) == pytest.approx(PHOTO_WIDTH / PHOTO_HEIGHT, rel=0.03)
