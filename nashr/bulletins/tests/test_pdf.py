"""The PDF: text in order and logical order, A4, metadata, embedded fonts, links, no fetching."""

from __future__ import annotations

import re
import subprocess
import threading
import unicodedata
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.test import override_settings

from nashr.bulletins.models import BulletinItem
from nashr.bulletins.rendering import bulletin_pdf
from nashr.bulletins.tests.conftest import PERSIAN_BODY
from nashr.core.actors import COMMAND

TITLES = ("بیانیه درباره اعدام‌ها", "گزارش نشست ائتلاف", "خبر اعتصاب کارگران", "فراخوان")
BIDI_AND_JOINERS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def normalize(text: str) -> str:
    """Text as pdftotext can give it back: no ZWNJ, bidi marks or diacritics, one space.

    Poppler also returns the lam-alef ligature's two letters reversed in rtl lines
    (a known limitation of its text extraction), so both sides spell it that way.
    """
    text = BIDI_AND_JOINERS.sub("", unicodedata.normalize("NFC", text))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = text.replace("لا", "ال")
    return re.sub(r"\s+", " ", text).strip()


def _pdf(bulletin, tmp_path: Path) -> Path:
    path = tmp_path / f"{bulletin.series.slug}.pdf"
    path.write_bytes(bulletin_pdf(bulletin=bulletin))
    return path


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _info(path: Path, *options: str) -> str:
    return subprocess.run(
        ["pdfinfo", *options, str(path)], capture_output=True, check=True, text=True
    ).stdout


def test_persian_pdf_text_in_order_and_logical_order(
    published_issue, persian_series, tmp_path
) -> None:
    """pdftotext gives every title in order and each Persian paragraph as written."""
    bulletin = published_issue(persian_series, titles=TITLES)
    text = normalize(_text(_pdf(bulletin, tmp_path)))
    positions = [text.index(normalize(title)) for title in TITLES]
    assert positions == sorted(positions)
    for paragraph in PERSIAN_BODY.split("\n\n"):
        assert text.count(normalize(paragraph)) == len(TITLES)
    # 2023-10-20 in the Jalali calendar (pdftotext moves the space next to a digit run)
    assert "۲۸مهر۱۴۰۲" in text.replace(" ", "")
    assert normalize("«آزادی بیان» حق همه است") in text
    assert not re.search(r"[0-9]", text.replace("http", ""))  # Persian digits throughout


def test_english_pdf_titles_in_order(published_issue, tmp_path) -> None:
    """The English PDF holds the masthead and every item title in order."""
    bulletin = published_issue(titles=TITLES)
    text = normalize(_text(_pdf(bulletin, tmp_path)))
    titles = [normalize(item["title"]) for item in bulletin.document["items"]]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    assert text.startswith("IRAN: Nashr Bulletin NOVEMBER 2023 NO. 47")
    assert "October 20, 2023" in text and "Read more (in Persian)" in text


def test_pdf_page_metadata_fonts_and_links(published_issue, persian_series, tmp_path) -> None:
    """A4 pages, title and language in the metadata, only Vazirmatn, embedded; live links."""
    bulletin = published_issue(persian_series, titles=TITLES)
    path = _pdf(bulletin, tmp_path)
    info = _info(path)
    assert "(A4)" in info
    assert re.search(r"^Title:\s+" + re.escape(bulletin.document["subject"]) + "$", info, re.M)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows and all("Vazirmatn" in row and " yes yes yes " in row for row in rows)
    urls = _info(path, "-url")
    for item in bulletin.document["items"]:
        assert item["read_more"]["url"] in urls
    streams = re.findall(rb"stream\r?\n(.*?)endstream", path.read_bytes(), re.S)
    inflated = b"".join(zlib.decompressobj().decompress(s) for s in streams)
    assert b"/Lang (fa)" in inflated


def test_page_numbers_in_persian_digits(published_issue, persian_series, tmp_path) -> None:
    """A long Persian issue runs over pages numbered with Persian digits."""
    bulletin = published_issue(persian_series, titles=TITLES * 3)
    path = _pdf(bulletin, tmp_path)
    found = re.search(r"^Pages:\s+(\d+)", _info(path), re.M)
    assert found is not None
    pages = int(found.group(1))
    assert pages >= 2
    last = subprocess.run(
        ["pdftotext", "-f", str(pages), "-l", str(pages), str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    persian = "۰۱۲۳۴۵۶۷۸۹"
    assert persian[pages] in last


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_pdf_asks_no_host_for_anything(published_issue, tmp_path) -> None:
    """Images in an item, even on the site's own address, are never fetched over HTTP."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with override_settings(NASHR_SITE_URL=site):
            bulletin = published_issue(titles=TITLES[:1])
            BulletinItem.objects.filter(bulletin=bulletin).update(
                text=f"![a]({site}/media/a.png) ![b](/media/b.png) ![c](http://192.0.2.1/c.png)"
            )
            from nashr.bulletins import services

            bulletin = services.bulletin_correct(actor=COMMAND, bulletin=bulletin)
            bulletin_pdf(bulletin=bulletin)
    finally:
        server.shutdown()
    assert _Counter.hits == []


SORANI_LETTERS = "ئابپتجچحخدرڕزژسشعغفڤقکگلڵمنهەوۆیێ"


@override_settings(LANGUAGES=[("fa", "Persian"), ("en", "English"), ("ckb", "Central Kurdish")])
def test_a_sorani_bulletin_sets_every_sorani_letter_in_vazirmatn(db, tmp_path) -> None:
    """A bulletin of a Sorani series is set right to left in Vazirmatn alone (no fallback
    font, so each of Sorani's letters has a glyph in it), with Arabic-Indic page numbers
    and dates in Sorani's calendar; pdftotext gives every letter back."""
    from nashr.bulletins import services
    from nashr.bulletins.models import Bulletin

    series, _ = services.series_create_or_update(
        actor=COMMAND, slug="kurdi", title="بڵاوکراوەی نەشر", language="ckb"
    )
    words = " ".join(f"{letter}ەڵ" for letter in SORANI_LETTERS)
    draft = services.bulletin_draft(
        actor=COMMAND,
        series=series,
        year=2024,
        month=3,
        editorial_title="دەنگی ئێمە",
        editorial_body=f"پیتەکان: {SORANI_LETTERS}\n\n{words}",
    )
    BulletinItem.objects.create(
        bulletin=draft, order=10, title="ڕاگەیەندراو", text="کۆمەڵگا و خەڵک. " * 400
    )
    bulletin = services.bulletin_publish(actor=COMMAND, bulletin=draft)
    assert isinstance(bulletin, Bulletin)
    path = _pdf(bulletin, tmp_path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows and all("Vazirmatn" in row and " yes yes yes " in row for row in rows), fonts
    text = normalize(_text(path))
    assert normalize(SORANI_LETTERS) in text
    assert not re.search(r"[0-9۰-۹]", text.replace("http", ""))  # Arabic-Indic digits only
    assert "ئازاری ٢٠٢٤" in text  # March 2024, in Sorani
    found = re.search(r"^Pages:\s+(\d+)", _info(path), re.M)
    assert found is not None and int(found.group(1)) >= 2
    streams = re.findall(rb"stream\r?\n(.*?)endstream", path.read_bytes(), re.S)
    inflated = b"".join(zlib.decompressobj().decompress(s) for s in streams)
    assert b"/Lang (ckb)" in inflated


@override_settings(
    NASHR_SITE_NAME="Voice of Freedom", NASHR_LANGUAGE_OPTIONS={"fa": "site_name=صدای_آزادی"}
)
def test_pdf_names_the_site_in_its_language(published_issue, persian_series, tmp_path) -> None:
    """Each page's foot names the site as configured for the issue's language."""
    persian = published_issue(persian_series, titles=TITLES[:1])
    text = normalize(_text(_pdf(persian, tmp_path)))
    assert normalize("صدای آزادی") in text and "Voice of Freedom" not in text
    english = published_issue(titles=TITLES[1:2])
    assert "Voice of Freedom · Page 1 of 1" in normalize(_text(_pdf(english, tmp_path)))
