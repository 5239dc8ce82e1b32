"""`nashr telegram link LANGUAGE_OR_SERIES CHANNEL [--post summary|full|pdf]`,
`nashr telegram status [--json]`, `nashr telegram repost PUBLICATION_ID`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nashr.core.commands import actor_from_options, add_actor_argument
from nashr.core.exceptions import ApplicationError, NotFound
from nashr.publications.models import Publication
from nashr.telegram import selectors, services
from nashr.telegram.client import configured
from nashr.telegram.models import LinkBase, PostMode


class Command(BaseCommand):
    help = "Link Telegram channels, see their queues, re-post a publication."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        link = sub.add_parser("link", help="post a language's publications (or a series' issues)")
        link.add_argument("target", metavar="LANGUAGE_OR_SERIES")
        link.add_argument("chat", metavar="CHANNEL", help="@name or the numeric id")
        link.add_argument("--post", choices=PostMode.values, help="what is posted")
        link.add_argument("--links", choices=LinkBase.values, help="where links point")
        add_actor_argument(link)
        status = sub.add_parser("status", help="each channel's queue and errors")
        status.add_argument("--json", action="store_true", help="one JSON array")
        repost = sub.add_parser("repost", help="post a published publication again")
        repost.add_argument("publication", type=int, metavar="PUBLICATION_ID")
        add_actor_argument(repost)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc

    def do_link(self, options: dict[str, Any]) -> None:
        channel = services.channel_link(
            actor=actor_from_options(options),
            target=options["target"],
            chat=options["chat"],
            post_mode=options["post"],
            link_base=options["links"],
        )
        self.stdout.write(
            f"{options['target']} → {channel.chat} (post: {channel.post_mode}, "
            f"links: {channel.link_base})"
        )
        if not configured():
            self.stdout.write("NASHR_TELEGRAM_BOT_TOKEN is not set: nothing is posted until it is")

    def do_status(self, options: dict[str, Any]) -> None:
        rows = selectors.channels_status()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        if not configured():
            self.stdout.write("NASHR_TELEGRAM_BOT_TOKEN is not set: nothing is posted")
        if not rows:
            self.stdout.write("no channel is linked (nashr telegram link LANGUAGE @channel)")
        for row in rows:
            target = row["series"] or row["language"]
            state = f"STOPPED: {row['last_error']}" if row["stopped"] else "sending"
            self.stdout.write(
                f"{row['channel']} ({target}, {row['post']}): {state}; queued {row['queued']}, "
                f"sending {row['sending']}, sent {row['sent']}, failed {row['failed']}, "
                f"possibly duplicated {row['possibly_duplicated']}"
            )
            for failure in row["recent_failures"]:
                subject = failure["publication_id"] or f"bulletin {failure['bulletin_id']}"
                self.stdout.write(
                    f"  failed post {failure['id']} ({subject}): {failure['last_error']}"
                )

    def do_repost(self, options: dict[str, Any]) -> None:
        publication = Publication.objects.filter(pk=options["publication"]).first()
        if publication is None:
            raise NotFound(
                f"no publication has the id {options['publication']}",
                where="PUBLICATION_ID",
                hint="the id is in the address of its admin page",
            )
        posts = services.publication_repost(
            actor=actor_from_options(options), publication=publication
        )
        channels = ", ".join(post.channel.chat for post in posts)
        self.stdout.write(f"queued for {channels}")
