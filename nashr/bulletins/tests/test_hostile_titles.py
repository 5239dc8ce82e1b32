"""A series title holding markup and quotes reaches the feed and the PDF as words, not code."""

from __future__ import annotations

import html
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from django.test import Client

from nashr.bulletins import services
from nashr.bulletins.rendering import bulletin_pdf
from nashr.core.actors import COMMAND

HOSTILE = 'Q "one" \\ </style><img src=x> <img src=https://tracker.example/p.gif>'
TITLES = ("بیانیه درباره اعدام‌ها", "گزارش نشست ائتلاف", "خبر اعتصاب کارگران", "فراخوان")
ATOM = "{http://www.w3.org/2005/Atom}"


def _hostile(series) -> None:
    services.series_create_or_update(
        actor=COMMAND, slug=series.slug, title=HOSTILE, language=series.language
    )


def test_feed_carries_the_title_as_text(client: Client, english_series, published_issue) -> None:
    """The series' Atom feed holds no `<` outside its content, and the title reads as typed."""
    _hostile(english_series)
    published_issue(titles=TITLES[:1])
    response = client.get("/en/bulletins/iran-bulletin/feed/")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    titles = [root.findtext(f"{ATOM}title"), root.findtext(f"{ATOM}subtitle")]
    titles += [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles and all(title and "<" not in title for title in titles), titles
    assert all(HOSTILE in html.unescape(title or "") for title in titles)
    for entry in root.iter(f"{ATOM}entry"):
        assert "<img" not in (entry.findtext(f"{ATOM}summary") or "")


def test_pdf_running_header_holds_the_title_literally(
    english_series, published_issue, tmp_path: Path
) -> None:
    """A title with `</style>`, an image and quotes renders, and the header shows it as written."""
    _hostile(english_series)
    bulletin = published_issue(titles=TITLES * 3)
    path = tmp_path / "issue.pdf"
    path.write_bytes(bulletin_pdf(bulletin=bulletin))
    second_page = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", "2", "-l", "2", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert HOSTILE in second_page
