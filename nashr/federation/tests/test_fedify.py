"""Against Fedify (npm @fedify/fedify), an ActivityPub implementation no one here wrote,
started on loopback: it finds @fa by WebFinger, follows it, receives the Create of a
Persian statement with valid signatures (its inbox refuses any other), then its Update
and Delete; its reply becomes a held comment, shown on the page only once approved."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from nashr.comments.models import Comment, CommentStatus
from nashr.comments.services import comments_moderate
from nashr.core.actors import COMMAND
from nashr.federation import documents
from nashr.federation.models import Follower
from nashr.publications import services as publication_services

PEER = Path(__file__).with_name("fedify_peer.mjs")
FEDIFY = Path(__file__).resolve().parents[3] / "node_modules" / "@fedify" / "fedify"

pytestmark = pytest.mark.django_db(transaction=True)


class Fedify:
    """The peer's process: commands in, one JSON line out per thing it did."""

    def __init__(self, site_host: str) -> None:
        self.process = subprocess.Popen(
            ["node", str(PEER), "--plain-http", site_host],
            # FEDIFY_DEBUG=1 in the environment prints Fedify's own log on stderr.
            env=dict(os.environ),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.wait(lambda m: "ready" in m)
        self.base: str = ready["ready"]
        self.actor: str = ready["actor"]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.lines.put(json.loads(line))

    def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def wait(self, wanted: Any, timeout: float = 30) -> dict[str, Any]:
        seen: list[dict[str, Any]] = []
        while True:
            try:
                message = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"Fedify never said it; it said: {seen}") from None
            assert "error" not in message, message["error"]
            if wanted(message):
                return message
            seen.append(message)

    def stop(self) -> None:
        self.process.kill()
        self.process.communicate()


@pytest.fixture
def fedify(live_server: Any, settings: Any) -> Iterator[Fedify]:
    if shutil.which("node") is None or not FEDIFY.exists():
        pytest.fail("node and node_modules/@fedify/fedify are needed (npm install)")
    settings.NASHR_FEDERATION = True
    settings.NASHR_FEDERATION_ALLOW_PRIVATE = True
    settings.NASHR_SITE_URL = live_server.url
    peer = Fedify(live_server.url.removeprefix("http://"))
    try:
        yield peer
    finally:
        peer.stop()


def test_fedify_follows_receives_and_replies(
    fedify: Fedify, live_server: Any, make_publication: Any
) -> None:
    """The whole round: WebFinger, Follow/Accept, Create/Update/Delete, a reply held."""
    host = live_server.url.removeprefix("http://")
    fedify.send({"follow": f"acct:fa@{host}"})
    found = fedify.wait(lambda m: "found" in m)
    assert found["subject"] == f"acct:fa@{host}", found
    if found.get("actor") is None:  # Fedify could not read the actor: show why
        fedify.process.kill()
        _out, err = fedify.process.communicate()
        raise AssertionError((found, err[-6000:]))
    assert found.get("actor") == documents.actor_url("fa") and found["type"] == "Service"
    assert found["hasKey"] and found["icon"].endswith(".png")
    assert found["sharedInbox"] == f"{live_server.url}/ap/inbox"
    accept = fedify.wait(lambda m: m.get("received") == "Accept")
    assert accept["activity"]["actor"] == documents.actor_url("fa"), accept
    assert Follower.objects.get().actor_id == fedify.actor

    publication = make_publication(title="بیانیه برای فدیورس", summary="خلاصه")
    create = fedify.wait(lambda m: m.get("received") == "Create")["activity"]
    article = create["object"]
    assert article["type"] == "Article"
    assert article["name"] == "بیانیه برای فدیورس"
    assert list(article["contentMap"]) == ["fa"]
    assert "متن بیانیه" in article["contentMap"]["fa"]
    assert article["url"] == live_server.url + publication.get_absolute_url()

    fedify.send({"lookup": article["id"]})
    looked_up = fedify.wait(lambda m: "looked_up" in m)
    assert looked_up["type"] == "Article" and looked_up["json"]["name"] == "بیانیه برای فدیورس"

    publication_services.publication_update(
        actor=COMMAND, publication=publication, title="عنوان ویراسته"
    )
    update = fedify.wait(lambda m: m.get("received") == "Update")["activity"]
    assert update["object"]["name"] == "عنوان ویراسته"

    fedify.send(
        {
            "reply": {
                "to": documents.actor_url("fa"),
                "inbox": documents.inbox_url("fa"),
                "inReplyTo": article["id"],
                "content": "<p>پاسخی از <em>فدیورس</em></p>",
                "number": 1,
            }
        }
    )
    fedify.wait(lambda m: m.get("sent") == "Create")
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert comment.name.startswith("@reader@127.0.0.1")
    assert comment.body == f"پاسخی از فدیورس\n\n{fedify.base}/@reader/1"
    moderator = get_user_model().objects.create_superuser("moderator", password="a long phrase 42")
    staff = Client()
    staff.force_login(moderator)
    held = staff.get(f"/fa/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert "پاسخی از فدیورس" in held and "@reader@127.0.0.1" in held
    client = Client()
    page = publication.get_absolute_url()
    assert "پاسخی از فدیورس" not in client.get(page).content.decode()
    comments_moderate(actor=COMMAND, comment_ids=[comment.pk], status=CommentStatus.APPROVED)
    assert "پاسخی از فدیورس" in client.get(page).content.decode()

    publication_services.publication_delete(actor=COMMAND, publication=publication)
    delete = fedify.wait(lambda m: m.get("received") == "Delete")["activity"]
    assert delete["object"] in (article["id"], {"id": article["id"], "type": "Tombstone"})
