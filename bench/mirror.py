"""Static mirror benchmark: full and incremental build of a large archive; prints JSON.

Fills a throwaway SQLite database (or DATABASE_URL) with `--publications` Persian
publications (Zipf-distributed text from bench/search.py's generator), `--translated`
of them (default half) with an English version, and builds their search index (not
timed). Then times:

* `full_build_s`: `nashr mirror build` into an empty folder;
* `incremental_build_s`: the build after one publication's title is edited;
* `unchanged_build_s`: a build with nothing changed;

(wall-clock and, since this machine is shared, the CPU time of the process and of the
second process a large build forks, see ``rendering.Renderer.render_all``) and reports the
folder's size and file count, and `search_bytes`: what one search of two
words loads (shards.js, the words' shards, the document files of the first 20 results),
as stored and gzip-compressed (as a web server or CDN sends it).

    .venv/bin/python bench/mirror.py                       # 10,000 publications
    .venv/bin/python bench/mirror.py --publications 500    # a quick check of the script
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import logging
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fill(count: int, translated: int, seed: int) -> list[str]:
    """Publications in bulk (not timed); returns a few common words to search for."""
    from search import Corpus  # bench/search.py, beside this script

    from nashr.publications.models import Kind, Publication, Status

    rng = random.Random(seed)
    corpora = {"fa": Corpus(rng, "fa"), "en": Corpus(rng, "en")}
    kinds = list(Kind.objects.all())
    published_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    first_day = dt.date(2015, 1, 1).toordinal()
    last_day = dt.date(2025, 12, 31).toordinal()

    def version(number: int, language: str, key: uuid.UUID, kind: Kind, date: dt.date) -> Any:
        corpus = corpora[language]
        paragraphs = [corpus.sentence(rng.randint(15, 50)) for _ in range(rng.randint(2, 5))]
        return Publication(
            kind=kind,
            language=language,
            title=corpus.sentence(rng.randint(5, 12))[:300],
            slug=f"{language}{number}",
            summary=corpus.sentence(rng.randint(10, 30)) if rng.random() < 0.5 else "",
            body="\n\n".join(paragraphs),
            body_html="".join(f"<p>{text}</p>\n" for text in paragraphs),
            date=date,
            status=Status.PUBLISHED,
            published_at=published_at,
            translation_key=key,
        )

    originals = []
    for number in range(count):
        date = dt.date.fromordinal(rng.randint(first_day, last_day))
        originals.append(version(number, "fa", uuid.uuid4(), rng.choice(kinds), date))
    Publication.objects.bulk_create(originals, batch_size=1000)
    translations = []
    for number, original in enumerate(Publication.objects.order_by("pk")[:translated]):
        translation = version(number, "en", original.translation_key, original.kind, original.date)
        translation.translation_of = original
        translation.source_revision = original.revision
        translations.append(translation)
    Publication.objects.bulk_create(translations, batch_size=1000)
    return corpora["fa"].words[20:40]


def search_bytes(outdir: Path, language: str, words: list[str]) -> dict[str, int]:
    """The files the mirror's search page loads for `words`, in bytes (as stored, gzipped)."""
    from nashr.mirror.search_index import DOCS_PER_FILE, shard_name
    from nashr.search.query import parse_query

    base = outdir / language / "search"
    loaded = [base / "shards.js"]
    payload = re.compile(r"NashrSearch\.load\([^,]+,[^,]+,(.*)\);\n$", re.DOTALL)

    def data(path: Path) -> Any:
        match = payload.match(path.read_text(encoding="utf-8"))
        assert match is not None, path
        return json.loads(match.group(1))

    prefixes = data(base / "shards.js")["prefixes"]
    found: set[int] | None = None
    for clause in parse_query(" ".join(words)).include:
        for term in clause.terms:
            prefix = max((p for p in prefixes if term.startswith(p)), key=len, default=None)
            numbers: set[int] = set()
            if prefix is not None:
                shard = base / "s" / f"{shard_name(prefix)}.js"
                loaded.append(shard)
                entry = data(shard).get(term)
                if entry:
                    previous = -1
                    for gap in entry[0].split(","):
                        previous += int(gap, 36)
                        numbers.add(previous)
            found = numbers if found is None else found & numbers
    first = sorted(found or set())[:20]
    loaded += sorted({base / "d" / f"{n // DOCS_PER_FILE}.js" for n in first})
    raw = sum(path.stat().st_size for path in loaded)
    compressed = sum(len(gzip.compress(path.read_bytes())) for path in loaded)
    return {
        "files": len(loaded),
        "results": len(found or ()),
        "bytes": raw,
        "gzip_bytes": compressed,
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the build's second process)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def folder_size(root: Path) -> tuple[int, int]:
    files = [
        path for path in root.rglob("*") if path.is_file() and ".nashr-mirror" not in path.parts
    ]
    return len(files), sum(path.stat().st_size for path in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--publications", type=int, default=10_000)
    parser.add_argument("--translated", type=int, default=None, help="default: half")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    translated = args.publications // 2 if args.translated is None else args.translated

    tmp = Path(tempfile.mkdtemp(prefix="nashr-mirror-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from nashr.core.actors import COMMAND
    from nashr.mirror.build import mirror_build
    from nashr.publications import services
    from nashr.publications.models import Publication
    from nashr.search.services import search_reindex

    logging.disable(logging.WARNING)
    try:
        call_command("migrate", verbosity=0)
        words = fill(args.publications, translated, args.seed)
        search_reindex()
        outdir = tmp / "mirror"

        started, cpu = time.monotonic(), cpu_seconds()
        full = mirror_build(outdir=outdir)
        full_s, full_cpu = time.monotonic() - started, cpu_seconds() - cpu
        files, size = folder_size(outdir)

        started = time.monotonic()
        unchanged = mirror_build(outdir=outdir)
        unchanged_s = time.monotonic() - started

        publication = Publication.objects.filter(language="fa").order_by("-date").first()
        assert publication is not None
        services.publication_update(
            actor=COMMAND, publication=publication, title=publication.title + " (ویرایش)"
        )
        started, cpu = time.monotonic(), cpu_seconds()
        incremental = mirror_build(outdir=outdir)
        incremental_s, incremental_cpu = time.monotonic() - started, cpu_seconds() - cpu

        result = {
            "load_average": os.getloadavg(),
            "publications": args.publications,
            "translated": translated,
            "full_build_s": round(full_s, 2),
            "full_build_cpu_s": round(full_cpu, 2),
            "full_written": len(full.written),
            "incremental_build_s": round(incremental_s, 2),
            "incremental_build_cpu_s": round(incremental_cpu, 2),
            "incremental_written": len(incremental.written),
            "unchanged_build_s": round(unchanged_s, 2),
            "unchanged_written": len(unchanged.written),
            "outdir_files": files,
            "outdir_bytes": size,
            "search_two_words": search_bytes(outdir, "fa", words[:2]),
            "search_one_common_word": search_bytes(outdir, "fa", words[:1]),
            "problems": full.problems[:10],
        }
        print(json.dumps(result, ensure_ascii=False))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
