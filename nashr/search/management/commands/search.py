"""`nashr search QUERY [--language L] [--json]` and `nashr search reindex`."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils.encoding import uri_to_iri
from tqdm import tqdm

from nashr.core.languages import codes
from nashr.publications.models import Publication
from nashr.search.backends import Filters
from nashr.search.query import parse_query
from nashr.search.selectors import search
from nashr.search.services import search_reindex


class Command(BaseCommand):
    help = (
        "Search published publications and print id, language, title, URL and score, "
        "best first; `nashr search reindex` rebuilds the whole index. To look for the "
        "word reindex itself, quote it: nashr search '\"reindex\"'. A search that starts "
        "with a word to leave out goes after --: nashr search -- -draft statement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "query",
            nargs="+",
            help='words to find; "a phrase" in quotes; -word leaves out; or: reindex',
        )
        parser.add_argument(
            "--language", choices=codes(), help="only publications in this language"
        )
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--limit", type=int, default=20, help="how many results to print (default 20)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        words: list[str] = options["query"]
        if words == ["reindex"]:
            self.reindex(verbosity=options["verbosity"])
            return
        text = " ".join(words)
        language = options["language"]
        query = parse_query(text, languages=[language] if language else None)
        if not query.ok:
            raise CommandError(f"search “{text}”: {query.error or 'nothing to look for'}")
        for notice in query.notices:
            self.stderr.write(str(notice))
        limit = max(1, min(options["limit"], 100))
        results = search(
            query=query,
            filters=Filters(language=language),
            page_size=limit,
            snippets=False,
        )
        rows = [
            {
                "id": hit.publication.pk,
                "language": hit.publication.language,
                "title": hit.publication.title,
                "url": settings.NASHR_SITE_URL + uri_to_iri(hit.publication.get_absolute_url()),
                "score": round(hit.score, 6),
            }
            for hit in results.hits
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "query": text,
                        "total": results.total,
                        "capped": results.capped,
                        "results": rows,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        if not rows:
            self.stdout.write(f"nothing matches “{text}”")
            return
        for row in rows:
            self.stdout.write(
                f"{row['id']}\t{row['language']}\t{row['title']}\t{row['url']}\t{row['score']:.4f}"
            )
        more = "more than " if results.capped else ""
        self.stdout.write(f"{len(rows)} of {more}{results.total} matches shown")

    def reindex(self, *, verbosity: int) -> None:
        total = Publication.objects.published().count()
        with tqdm(
            total=total,
            unit="publication",
            desc="reindex",
            file=_Unended(self.stderr),
            disable=verbosity == 0,
        ) as bar:

            def advance(done: int) -> None:
                bar.update(done)

            count = search_reindex(progress=advance)
        self.stdout.write(f"indexed {count} published publications")


class _Unended:
    """A command's stderr as tqdm needs it: written to as it is, no line ending added."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()
