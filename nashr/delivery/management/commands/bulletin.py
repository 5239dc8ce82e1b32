"""`nashr bulletin series|draft|publish|correct|render|send`: the bulletin from the command line.

It lives in the delivery app because it composes both: the bulletins app makes and
publishes issues, delivery sends them, and bulletins does not know about delivery.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import frontmatter
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import RequestFactory
from django.utils.translation import override

from nashr.bulletins import rendering, selectors, services
from nashr.bulletins.models import Bulletin
from nashr.bulletins.views import render_issue
from nashr.core.commands import actor_from_options, add_actor_argument
from nashr.core.exceptions import ApplicationError, NotFound, ValidationError
from nashr.core.languages import codes
from nashr.delivery.management.commands._send import add_send_arguments, handle_send
from nashr.delivery.message import bulletin_message_preview
from nashr.publications.models import Kind

FORMATS = ("html", "email", "pdf")


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ValidationError(f"{what} file {path} does not exist", where=path) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{what} file is not UTF-8 text (byte {exc.start})",
            where=path,
            hint="save it as UTF-8",
        ) from exc


def _editorial(path: str) -> tuple[str, str]:
    """(title, Markdown body) of an editorial file with `title` in its front matter."""
    text = _read(path, "editorial")
    try:
        post = frontmatter.loads(text)
    except Exception as exc:  # the YAML parser's errors carry the line
        raise ValidationError(
            f"the front matter cannot be read: {exc}",
            where=path,
            hint="start the file with ---, a line `title: ...`, and ---",
        ) from exc
    title = str(post.metadata.get("title") or "").strip()
    if not title:
        raise ValidationError(
            "the editorial has no title",
            where=f"{path}, line 1",
            hint="start the file with ---, a line `title: ...`, and ---",
        )
    return title, post.content


def _published(series_slug: str, number: int) -> Bulletin:
    bulletin = selectors.bulletin_published(series_slug=series_slug, number=number)
    if bulletin is None:
        series = selectors.series_get(slug=series_slug)
        if series is None:
            raise NotFound(
                f"there is no series “{series_slug}”", hint="`nashr bulletin series` creates one"
            )
        raise NotFound(
            f"series “{series_slug}” has no published issue number {number}",
            hint=f"its last number is {series.last_number or 'none yet'}",
        )
    return bulletin


class Command(BaseCommand):
    help = "Bulletin series and issues: create, draft, publish, correct, render, send."
    # The system checks cost about a third of a second on every call, and `send` is run
    # again and again after a crash; `nashr check` and `migrate` still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        series = sub.add_parser("series", help="Create or update a series.")
        series.add_argument("slug", metavar="SLUG")
        series.add_argument("--title", help="The bulletin's name (required for a new series).")
        series.add_argument("--language", choices=codes())
        series.add_argument("--label", help="A region label shown before the title.")
        series.add_argument("--first-number", type=int, help="Number of its first issue here.")
        series.add_argument("--colophon", metavar="FILE", help="Markdown file of the colophon.")
        series.add_argument(
            "--kind",
            action="append",
            metavar="SLUG",
            help="A kind of publication a draft proposes (repeat; default: every kind).",
        )
        add_actor_argument(series)

        draft = sub.add_parser("draft", help="Create a draft; prints its id.")
        draft.add_argument("--series", required=True, metavar="SLUG")
        draft.add_argument("--year", type=int, help="Year in the series' calendar.")
        draft.add_argument("--month", type=int, help="Month (1-12) in the series' calendar.")
        draft.add_argument(
            "--editorial", metavar="FILE", help="Markdown with `title` front matter."
        )
        add_actor_argument(draft)

        publish = sub.add_parser("publish", help="Publish a draft; prints its number.")
        publish.add_argument("draft_id", type=int, metavar="DRAFT_ID")
        add_actor_argument(publish)

        correct = sub.add_parser("correct", help="Publish a corrected edition of an issue.")
        correct.add_argument("number", type=int, metavar="NUMBER")
        correct.add_argument("--series", required=True, metavar="SLUG")
        correct.add_argument("--note", default="", help="What was corrected.")
        add_actor_argument(correct)

        render = sub.add_parser("render", help="Write an issue as HTML, email (.eml) or PDF.")
        render.add_argument("number", type=int, metavar="NUMBER")
        render.add_argument("--series", required=True, metavar="SLUG")
        render.add_argument("--format", required=True, choices=FORMATS)
        render.add_argument("--output", required=True, metavar="FILE")

        send = sub.add_parser(
            "send", help="Send a published issue to the series' confirmed subscribers."
        )
        add_send_arguments(send)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc

    def _send(self, options: dict[str, Any]) -> None:
        handle_send(self, options)

    def _series(self, options: dict[str, Any]) -> None:
        existing = selectors.series_get(slug=options["slug"])
        title = options["title"] or (existing.title if existing else "")
        language = options["language"] or (existing.language if existing else "")
        if existing is None and not (options["title"] and options["language"]):
            raise ValidationError(
                f"series “{options['slug']}” is new: give --title and --language",
                where="--title/--language",
            )
        kinds = None
        if options["kind"]:
            kinds = list(Kind.objects.filter(slug__in=options["kind"]))
            missing = set(options["kind"]) - {kind.slug for kind in kinds}
            if missing:
                raise NotFound(
                    f"unknown kind {', '.join(sorted(missing))}",
                    where="--kind",
                    hint=f"use one of: {', '.join(Kind.objects.values_list('slug', flat=True))}",
                )
        colophon = _read(options["colophon"], "colophon") if options["colophon"] else None
        series, created = services.series_create_or_update(
            actor=actor_from_options(options),
            slug=options["slug"],
            title=title,
            language=language,
            label=options["label"],
            first_number=options["first_number"],
            colophon=colophon,
            kinds=kinds,
        )
        verb = "created" if created else "updated"
        self.stdout.write(f"{series.slug} {verb}")

    def _draft(self, options: dict[str, Any]) -> None:
        series = selectors.series_get(slug=options["series"])
        if series is None:
            raise NotFound(
                f"there is no series “{options['series']}”",
                where="--series",
                hint="`nashr bulletin series` creates one",
            )
        title, body = _editorial(options["editorial"]) if options["editorial"] else ("", "")
        bulletin = services.bulletin_draft(
            actor=actor_from_options(options),
            series=series,
            year=options["year"],
            month=options["month"],
            editorial_title=title,
            editorial_body=body,
        )
        self.stdout.write(str(bulletin.pk))

    def _publish(self, options: dict[str, Any]) -> None:
        bulletin = services.bulletin_publish(
            actor=actor_from_options(options),
            bulletin=selectors.bulletin_get(pk=options["draft_id"]),
        )
        self.stdout.write(str(bulletin.number))

    def _correct(self, options: dict[str, Any]) -> None:
        bulletin = _published(options["series"], options["number"])
        bulletin = services.bulletin_correct(
            actor=actor_from_options(options), bulletin=bulletin, note=options["note"]
        )
        self.stdout.write(f"{bulletin.number} edition {bulletin.edition}")

    def _render(self, options: dict[str, Any]) -> None:
        bulletin = _published(options["series"], options["number"])
        output = Path(options["output"])
        fmt = options["format"]
        if fmt == "pdf":
            data = rendering.bulletin_pdf(bulletin=bulletin)
        elif fmt == "email":
            # What a subscriber receives, for a sample recipient: the sender's own builder.
            data = bulletin_message_preview(bulletin=bulletin)
        else:
            data = _archive_page(bulletin).encode("utf-8")
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise ValidationError(f"cannot write: {exc.strerror}", where=str(output)) from exc
        self.stdout.write(f"{output} ({len(data)} bytes)")


def _archive_page(bulletin: Bulletin) -> str:
    """The archive page as the site serves it, its site-relative links made absolute."""
    path = bulletin.get_absolute_url()
    request = RequestFactory().get(path)
    with override(bulletin.series.language):
        response = render_issue(request, bulletin=bulletin)
    html = response.content.decode("utf-8")
    return re.sub(r'(href|src)="/(?!/)', rf'\1="{settings.NASHR_SITE_URL}/', html)
