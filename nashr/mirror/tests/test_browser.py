"""Chromium reads the mirror from file:// and from a sub-path, and searches it."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from playwright.sync_api import Browser, Page

from nashr.core.spelling import fold
from nashr.mirror.tests.conftest import BuildMirror
from nashr.publications.models import Publication
from nashr.search import normalize
from nashr.testing.pages import SiteContent
from nashr.testing.spellings import SPELLINGS

pytestmark = pytest.mark.django_db

FOUR = [("fa", "Persian"), ("en", "English"), ("ckb", "Central Kurdish"), ("de", "German")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """`python -m http.server` over a folder; the mirror goes in its sub-path /mirror/x/."""
    root = tmp_path / "www"
    (root / "mirror" / "x").mkdir(parents=True)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/mirror/x/"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()  # loopback
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    try:
        yield root / "mirror" / "x", url
    finally:
        process.terminate()
        process.wait(timeout=10)


class Requests:
    """Every address a page asked for."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))

    def foreign(self) -> list[str]:
        return [
            url
            for url in self.urls
            if not (
                url.startswith(("file://", "data:")) or re.match(r"http://127\.0\.0\.1:\d+/", url)
            )
        ]


def _read_like_a_reader(browser: Browser, address: str) -> tuple[Page, Requests]:
    context = browser.new_context(locale="fa-IR")
    page = context.new_page()
    requests = Requests(page)
    page.goto(address)
    page.wait_for_load_state("load")
    return page, requests


def _check_styled_rtl(page: Page) -> None:
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith(
        '"Vazirmatn"'
    ) or ("Vazirmatn" in page.evaluate("getComputedStyle(document.body).fontFamily"))
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    assert page.evaluate(
        "[...document.fonts].some(f => f.family.includes('Vazirmatn') && f.status === 'loaded')"
    )
    # The site's stylesheet applied: the header is laid out by it, not the browser's default.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-nav ul')).display") == "flex"
    )


def test_mirror_opens_from_file_with_styles_fonts_and_rtl(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path, chromium: Browser
) -> None:
    """index.html from disk leads to the Persian home, styled, RTL, asking no other host."""
    build_mirror()
    page, requests = _read_like_a_reader(chromium, (outdir / "index.html").as_uri())
    page.wait_for_url(re.compile(r"/fa/index\.html$"))
    page.wait_for_load_state("load")
    _check_styled_rtl(page)
    page.click("text=" + str(mirror_content["statement_fa"].title))
    page.wait_for_load_state("load")
    assert "/fa/p/" in page.url
    _check_styled_rtl(page)
    assert requests.foreign() == []
    page.context.close()


def test_mirror_works_from_a_sub_path(
    mirror_content: SiteContent,
    build_mirror: BuildMirror,
    served: tuple[Path, str],
    chromium: Browser,
) -> None:
    """Served under /mirror/x/ by python -m http.server, pages, styles and fonts all load."""
    folder, url = served
    from nashr.mirror.build import mirror_build

    mirror_build(outdir=folder)
    page, requests = _read_like_a_reader(chromium, url + "fa/index.html")
    _check_styled_rtl(page)
    page.click("a[href='archive/index.html'] >> nth=0")
    page.wait_for_load_state("load")
    assert page.url.startswith(url + "fa/archive/")
    english = page.locator("a[hreflang='en']").first.get_attribute("href")
    assert english is not None
    page.goto(url + "en/index.html")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert requests.foreign() == []
    assert not [u for u in requests.urls if u.startswith("http") and not u.startswith(url)]
    page.context.close()


def _search(page: Page, text: str, language: str = "fa") -> list[str]:
    page.fill("#search-q", text)
    page.check(f"input[name=lang][value={language}]")
    page.click("#mirror-search button[type=submit]")
    page.wait_for_function(
        "() => { const s = document.getElementById('search-status');"
        " return s.textContent && s.textContent !== s.dataset.loading; }"
    )
    return [link.get_attribute("href") or "" for link in page.locator("#search-results a").all()]


def test_mirror_search_finds_every_spelling_variant(
    kinds: object,
    make_publication: Callable[..., Publication],
    build_mirror: BuildMirror,
    served: tuple[Path, str],
    chromium: Browser,
) -> None:
    """Each way of typing a word that the site's search test uses finds it in the mirror too."""
    written = {
        pair: make_publication(title="بیانیه", body=f"متن دربارهٔ {pair[0]} است.")
        for pair in SPELLINGS
    }
    typed = {
        pair: make_publication(title="بیانیه", body=f"متن دربارهٔ {pair[1]} است.")
        for pair in SPELLINGS
    }
    english = make_publication(
        language="en", title="On a prisoner", body="The court releases him today."
    )
    folder, url = served
    from nashr.mirror.build import mirror_build

    mirror_build(outdir=folder)
    page, requests = _read_like_a_reader(chromium, url + "fa/search/index.html")
    missed = []
    for pair in SPELLINGS:
        if not any(f"/p/{written[pair].pk}/" in href for href in _search(page, pair[1])):
            missed.append(f"{pair[1]!r} did not find {pair[0]!r}")
        if not any(f"/p/{typed[pair].pk}/" in href for href in _search(page, pair[0])):
            missed.append(f"{pair[0]!r} did not find {pair[1]!r}")
    assert missed == []
    for query in ("prisoners", "released PRISONER"):
        assert [h for h in _search(page, query, "en") if f"/p/{english.pk}/" in h], query
    assert _search(page, "زندانیان -است") == []
    # A result's link leads to the publication's page in the mirror.
    hrefs = _search(page, "کتابها")
    page.click(f"#search-results a[href='{hrefs[0]}']")
    page.wait_for_load_state("load")
    assert "/fa/p/" in page.url and page.url.startswith(url)
    assert requests.foreign() == []
    page.context.close()


def _stemmer_words() -> list[str]:
    """Several thousand English words: those of Django's own source, and known hard cases."""
    import django

    words: set[str] = set()
    for path in sorted(Path(django.__file__).parent.rglob("*.py"))[:400]:
        words.update(re.findall(r"\b[a-z]{3,}\b", path.read_text(encoding="utf-8").lower()))
    words.update(
        [
            "skies",
            "skis",
            "dying",
            "lying",
            "tying",
            "idly",
            "gently",
            "ugly",
            "early",
            "only",
            "singly",
            "sky",
            "news",
            "howe",
            "atlas",
            "cosmos",
            "bias",
            "andes",
            "generously",
            "communism",
            "arsenal",
            "emergency",
            "organization",
            "universal",
            "pasted",
            "inning",
            "outing",
            "cannings",
            "herring",
            "succeeded",
            "proceeded",
            "exceeding",
            "agreed",
            "feed",
            "hopping",
            "hoping",
            "filing",
            "filling",
            "controlling",
            "generalization",
            "happily",
            "cries",
            "tied",
            "prisoners",
            "released",
            "releases",
            "prisoner",
            "rational",
            "relational",
            "conditional",
        ]
    )
    return sorted(words)


def _german_words() -> list[str]:
    """Several hundred German words (those of Django's German catalogues), as written and
    as folded (umlauts dropped, ß as ss), and known hard cases."""
    import django

    words: set[str] = set()
    for path in sorted(Path(django.__file__).parent.rglob("de/LC_MESSAGES/*.po")):
        for text in re.findall(r'msgstr "(.*)"', path.read_text(encoding="utf-8")):
            words.update(word.lower() for word in re.findall(r"[A-Za-zÄÖÜäöüß]{3,}", text))
    words.update(["wahlen", "häuser", "bauen", "kreuz", "qualität", "bayern", "gebäude",
                  "aufeinanderfolgenden", "systeme", "kenntnis", "trauer"])  # fmt: skip
    return sorted(words | {fold(word) for word in words})


def test_javascript_normalizes_and_stems_as_python(chromium: Browser) -> None:
    """normalize.js and the stemmers' ports give the terms and stems normalize.py and
    snowballstemmer give, spelling by spelling and word by word, in English and German."""
    page = chromium.new_page()
    for name in ("mirror/stemmers/english.js", "mirror/stemmers/german.js", "mirror/normalize.js"):
        page.add_script_tag(path=str(finders.find(name)))
    texts = [text for pair in SPELLINGS for text in pair]
    texts += [
        "می روم به خانه ی دوستم و کتاب ها را می‌آورم",
        "نمی خواهیم؛ «آزادیِ» زندانیان‌های سیاسی ترین",
        "Prisoner's releases, café ÉTÉ straße 1402 ۱۴۰۲",
        "ﻻ ﻙ پائیز رحمٰن زنــــدانی\u200bها",
        "Die Wahlen in Hessen: Gefängnisse, Häuser und Straßen der Gewerkschaften",
    ]
    for stemmer in ("english", "german", ""):
        in_js = page.evaluate(
            "([texts, stemmer]) => texts.map(t => NashrNormalize.terms(t, stemmer))",
            [texts, stemmer],
        )
        assert in_js == [normalize.terms(text, stemmer=stemmer) for text in texts], stemmer
    for stemmer, words in (("english", _stemmer_words()), ("german", _german_words())):
        assert len(words) > 700
        stemmed = page.evaluate(
            "([words, stemmer]) => words.map(w => NashrStemmers[stemmer].stem(w))",
            [words, stemmer],
        )
        differing = [(w, s, normalize.stem(w, stemmer)) for w, s in zip(words, stemmed, strict=True)
                     if s != normalize.stem(w, stemmer)]  # fmt: skip
        assert differing == [], stemmer
    page.close()


@override_settings(LANGUAGES=FOUR)
def test_mirror_search_finds_german_by_its_inflections(
    kinds: object,
    make_publication: Callable[..., Publication],
    served: tuple[Path, str],
    chromium: Browser,
) -> None:
    """The German search page reads words with the German stemmer, as the German index was
    stemmed: "Wahlen" finds a text about a Wahl, and the English page still finds an
    English text by its English forms."""
    german = make_publication(
        language="de", title="Die Wahl in Hessen", body="Die Wahl wurde verschoben."
    )
    english = make_publication(
        language="en", title="On a prisoner", body="The court releases him today."
    )
    folder, url = served
    from nashr.mirror.build import mirror_build

    mirror_build(outdir=folder)
    page, requests = _read_like_a_reader(chromium, url + "de/search/index.html")
    assert [h for h in _search(page, "Wahlen", "de") if f"/p/{german.pk}/" in h]
    assert [h for h in _search(page, "wählen", "de") if f"/p/{german.pk}/" in h]
    assert _search(page, "Streiking", "de") == []
    for query in ("prisoners", "released PRISONER"):
        assert [h for h in _search(page, query, "en") if f"/p/{english.pk}/" in h], query
    assert requests.foreign() == []
    page.context.close()
