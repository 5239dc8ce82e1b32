"""The mirror's search index: files a reader's browser loads a few at a time.

The terms are the site's own: the search entries (``nashr.search``) hold each published
publication's title, text and split-word parts already normalized by
``nashr.search.normalize``; the page's script (``static/mirror/normalize.js``) reduces
the reader's words the same way. One index per language of the publications, in
``<lang>/search/``:

* ``shards.js`` lists the shards: a shard holds the terms that start with its prefix (and
  with no longer listed prefix). A prefix is split by one more letter while its shard is
  larger than ``SHARD_BYTES``, so common beginnings (می, ب) get shards of their own.
* ``s/<prefix>.js``: for each term, the documents that contain it and those with it in
  the title, as numbers (newest first) written as base-36 gaps.
* ``d/<n>.js``: the title, address, date and kind of ``DOCS_PER_FILE`` documents.

Files are scripts that hand their data to ``NashrSearch.load`` rather than JSON: a
browser runs a script from ``file://`` but refuses to fetch a file there, and the mirror
must search from a USB stick too. One search loads ``shards.js``, one shard per word and
one document file per shown result's group: well under 300 kB in a 10,000-publication
archive (bench/mirror.py measures it).

Phrases are looked for as their words (no positions are kept): a phrase finds what the
site finds and possibly more.

The entries' Latin words are stemmed by their language's Snowball stemmer
(``nashr.search.normalize.stemmer_of``), and an index holds one language: the page reads
the reader's words with the stemmer of the language searched, ported to JavaScript in
``static/mirror/stemmers/<name>.js`` (line for line from the Python package, and held to
it by the tests). Porting the few stemmers the site uses keeps the index as small as the
site's own terms, where an index of unstemmed forms would need every inflection written
in it and still miss those no publication uses; a configured stemmer without a port is a
warning of ``check`` (``nashr_mirror.W001``).
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.translation import override

from nashr.core import calendars
from nashr.core.languages import site_languages
from nashr.publications.models import Kind, Status
from nashr.search.models import SearchEntry
from nashr.search.normalize import stemmer_of

SHARD_BYTES = 24_000
DOCS_PER_FILE = 25


def language_choices() -> list[dict[str, str]]:
    """Each language of publications, named in itself ("فارسی", "English"), with its
    direction and digits for the script that lists results in it, and the stemmer its
    index's Latin words were stemmed with."""
    return [
        {
            "code": language.code,
            "name": language.name,
            "dir": language.direction,
            "digits": language.digit_characters,
            "stemmer": stemmer_of(language.code),
        }
        for language in site_languages()
    ]


def stemmer_script(stemmer: str) -> str | None:
    """The static path of the JavaScript port of a Snowball stemmer; None if there is none."""
    path = f"mirror/stemmers/{stemmer}.js"
    return path if stemmer and finders.find(path) else None


def stemmer_scripts() -> list[str]:
    """The stemmers' scripts the search page loads: one per stemmer of the languages."""
    stemmers = dict.fromkeys(choice["stemmer"] for choice in language_choices())
    return [path for stemmer in stemmers if (path := stemmer_script(stemmer))]


def shard_name(prefix: str) -> str:
    """The file name of a shard: its prefix's code points in hex ("_" for the empty one)."""
    return "-".join(f"{ord(ch):x}" for ch in prefix) or "_"


def _gaps(numbers: list[int]) -> str:
    previous = -1
    out = []
    small = _SMALL_BASE36
    for number in numbers:
        gap = number - previous
        out.append(small[gap] if gap < len(small) else _base36(gap))
        previous = number
    return ",".join(out)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


# Most gaps are small: written once (an index of 10,000 publications has a million gaps).
_SMALL_BASE36 = [_base36(number) for number in range(36 * 36)]


def _script(kind: str, key: str, data: object) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"NashrSearch.load({json.dumps(kind)},{json.dumps(key)},{payload});\n".encode()


def build(*, language: str) -> dict[str, bytes]:
    """The index files of the publications in `language`, by name under ``<lang>/search/``."""
    # Columns, not objects: the index of ten thousand publications reads them all.
    entries = (
        SearchEntry.objects.filter(language=language, publication__status=Status.PUBLISHED)
        .order_by("-date", "-publication_id")
        .values_list(
            "publication_id", "publication__title", "publication__slug", "kind_id", "date",
            "title", "body", "extra",
        )
    )  # fmt: skip
    kinds = {kind.pk: kind.name(language) for kind in Kind.objects.all()}
    docs: list[list[str]] = []
    anywhere: dict[str, list[int]] = defaultdict(list)
    in_title: dict[str, list[int]] = defaultdict(list)
    dates: dict[object, str] = {}
    with override(language):
        rows = entries.iterator(chunk_size=1000)
        for number, (pk, title, slug, kind_id, date, words, body, extra) in enumerate(rows):
            url = reverse("publications:detail", kwargs={"pk": pk, "slug": slug or "-"})
            if date not in dates:
                dates[date] = calendars.format_date(date, language)
            docs.append(
                [title, url.lstrip("/") + "index.html", dates[date], kinds.get(kind_id, "")]
            )
            title_terms = set(words.split())
            for term in title_terms:
                in_title[term].append(number)
            for term in title_terms.union(body.split(), extra.split()):
                anywhere[term].append(number)

    postings = {
        term: [_gaps(numbers), _gaps(in_title.get(term, []))] for term, numbers in anywhere.items()
    }
    sizes = {
        term: len(term) * 2 + len(pair[0]) + len(pair[1]) + 8 for term, pair in postings.items()
    }
    shards: dict[str, list[str]] = {}

    def split(prefix: str, terms: list[str]) -> None:
        if sum(sizes[t] for t in terms) <= SHARD_BYTES or all(len(t) <= len(prefix) for t in terms):
            shards[prefix] = terms
            return
        children: dict[str, list[str]] = defaultdict(list)
        here = []
        for term in terms:
            if len(term) <= len(prefix):
                here.append(term)
            else:
                children[prefix + term[len(prefix)]].append(term)
        if here:
            shards[prefix] = here
        for child, child_terms in children.items():
            split(child, child_terms)

    split("", sorted(postings))
    files: dict[str, bytes] = {}
    for prefix, terms in shards.items():
        files[f"s/{shard_name(prefix)}.js"] = _script(
            "shard", f"{language}/{prefix}", {term: postings[term] for term in sorted(terms)}
        )
    for start in range(0, len(docs), DOCS_PER_FILE):
        files[f"d/{start // DOCS_PER_FILE}.js"] = _script(
            "docs", f"{language}/{start // DOCS_PER_FILE}", docs[start : start + DOCS_PER_FILE]
        )
    files["shards.js"] = _script(
        "shards",
        language,
        {"prefixes": sorted(shards), "per_file": DOCS_PER_FILE, "count": len(docs)},
    )
    return files
