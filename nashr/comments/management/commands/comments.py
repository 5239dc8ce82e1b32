"""`nashr comments list [--status pending|approved|spam|removed] [--json]`,
`nashr comments approve|reject|spam ID...`, `nashr comments digest [--enqueue]` (for cron:
the moderators' digest of comments waiting, every few hours)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nashr.comments import selectors, services, tasks
from nashr.comments.models import CommentStatus
from nashr.core.commands import actor_from_options, add_actor_argument
from nashr.core.exceptions import ApplicationError

# The command's verb → the status it gives.
VERBS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REMOVED,
    "spam": CommentStatus.SPAM,
}


class Command(BaseCommand):
    help = "List comments, approve, reject or mark them as spam, mail the moderators' digest."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        lister = sub.add_parser("list", help="comments, oldest first")
        lister.add_argument("--status", choices=CommentStatus.values)
        lister.add_argument("--json", action="store_true", help="one JSON array")
        for verb, status in VERBS.items():
            one = sub.add_parser(verb, help=f"set the comments' status to {status}")
            one.add_argument("ids", nargs="+", type=int, metavar="ID")
            add_actor_argument(one)
        digest = sub.add_parser("digest", help="mail the moderators the comments waiting")
        digest.add_argument(
            "--enqueue",
            action="store_true",
            help="leave the work to the task worker (nashr db_worker) instead of doing it now",
        )
        add_actor_argument(digest)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            action = options["action"]
            if action == "list":
                self.list_(options)
            elif action == "digest":
                self.digest(options)
            else:
                changed = services.comments_moderate(
                    actor=actor_from_options(options),
                    comment_ids=options["ids"],
                    status=VERBS[action],
                )
                self.stdout.write(f"{changed} comment(s) now {VERBS[action]}")
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc

    def list_(self, options: dict[str, Any]) -> None:
        comments = selectors.comments_by_status(status=options["status"])
        rows = [
            {
                "id": comment.pk,
                "status": comment.status,
                "publication": comment.publication_id,
                "parent": comment.parent_id,
                "name": comment.name,
                "created_at": comment.created_at.isoformat(),
                "held_reason": comment.held_reason,
                "body": comment.body,
            }
            for comment in comments
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            body = " ".join(str(row["body"]).split())[:60]
            self.stdout.write(
                f"{row['id']}\t{row['status']}\tp{row['publication']}\t{row['name']}\t"
                f"{row['held_reason'] or '-'}\t{body}"
            )

    def digest(self, options: dict[str, Any]) -> None:
        if options["enqueue"]:
            tasks.send_digest.enqueue()
            self.stdout.write("digest queued for the task worker")
            return
        sent = services.comments_digest_send(actor=actor_from_options(options))
        self.stdout.write(f"{sent} digest(s) sent")
