"""The inbox: follows accepted, undone, and every refusal the issue lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from nashr.comments.models import Comment, CommentStatus
from nashr.comments.services import comment_policy_set, comments_moderate
from nashr.core.actors import COMMAND
from nashr.federation import documents, signatures
from nashr.federation.models import DomainBlock, Follower, Reaction
from nashr.federation.services import FEDIVERSE, domain_block_save
from nashr.federation.tests.conftest import Peer

FA = "http://testserver/ap/actors/fa"


def _follow(peer: Peer, number: int = 1) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer.actor_url}#follows/{number}",
        "type": "Follow",
        "actor": peer.actor_url,
        "object": FA,
    }


def test_follow_is_accepted_and_undo_removes(
    our_key: str, peer: Peer, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """A signed Follow stores the follower (its shared inbox kept) and sends it a signed
    Accept; an Undo of it removes the follower."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = peer.post(client, "/ap/actors/fa/inbox", _follow(peer))
    assert answer.status_code == 202, answer.content
    follower = Follower.objects.get()
    assert (follower.language, follower.handle) == (
        "fa",
        f"@alice@{peer.base.split('//')[1].split(':')[0]}",
    )
    assert follower.delivery_inbox == f"{peer.base}/inbox"
    [accept] = peer.activities("Accept")
    assert accept["object"]["id"] == _follow(peer)["id"] and accept["actor"] == FA
    assert peer.received[0].path == "/users/alice/inbox" and peer.received[0].signature_valid
    undo = {
        "id": f"{peer.actor_url}#undo",
        "type": "Undo",
        "actor": peer.actor_url,
        "object": _follow(peer),
    }
    assert peer.post(client, "/ap/inbox", undo).status_code == 202
    assert not Follower.objects.exists()


def test_unsigned_request_is_refused(federation: Any, peer: Peer, client: Client) -> None:
    """No Signature header: 401, nothing stored."""
    answer = peer.post(client, "/ap/inbox", _follow(peer), signed=False)
    assert answer.status_code == 401
    assert not Follower.objects.exists()


def test_signature_by_another_key_is_refused(federation: Any, peer: Peer, client: Client) -> None:
    """Signed by a key that is not the one the actor publishes: 401."""
    other, _public = signatures.key_pair_new()
    answer = peer.post(client, "/ap/inbox", _follow(peer), key_pem=other)
    assert answer.status_code == 401
    assert b"does not match" in answer.content
    assert not Follower.objects.exists()


def test_replayed_request_outside_the_window_is_refused(
    federation: Any, peer: Peer, client: Client
) -> None:
    """A request signed 13 hours ago (a replay) is refused, though its signature is good."""
    answer = peer.post(
        client, "/ap/inbox", _follow(peer), when=timezone.now() - dt.timedelta(hours=13)
    )
    assert answer.status_code == 401
    assert b"window" in answer.content
    assert peer.fetches == 0


def test_body_not_matching_the_digest_is_refused(
    federation: Any, peer: Peer, client: Client
) -> None:
    """A body changed after signing fails the Digest check."""
    changed = dict(_follow(peer), object="http://testserver/ap/actors/en")
    import json

    answer = peer.post(client, "/ap/inbox", _follow(peer), body=json.dumps(changed).encode())
    assert answer.status_code == 401
    assert b"Digest" in answer.content


def test_blocked_domain_is_refused_and_its_followers_removed(
    our_key: str, peer: Peer, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Blocking a domain removes its followers and refuses its requests, fetching nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        peer.post(client, "/ap/inbox", _follow(peer))
    assert Follower.objects.count() == 1
    domain_block_save(actor=COMMAND, block=DomainBlock(domain="127.0.0.1"))
    assert not Follower.objects.exists()
    fetched = peer.fetches
    answer = peer.post(client, "/ap/inbox", _follow(peer, 2))
    assert answer.status_code == 403
    assert peer.fetches == fetched and not Follower.objects.exists()


def test_a_key_on_a_private_address_is_not_fetched(
    federation: Any, peer: Peer, client: Client
) -> None:
    """With the SSRF guard on, a keyId on loopback is refused without a request to it."""
    federation.NASHR_FEDERATION_ALLOW_PRIVATE = False
    answer = peer.post(client, "/ap/inbox", _follow(peer))
    assert answer.status_code == 401 and b"could not be fetched" in answer.content
    assert peer.fetches == 0


def test_a_rotated_key_is_fetched_again(federation: Any, peer: Peer, client: Client) -> None:
    """An actor that changed its key is verified with the new one, fetched once more."""
    assert peer.post(client, "/ap/inbox", _follow(peer)).status_code == 202
    peer.private_key_pem, peer.public_key_pem = signatures.key_pair_new()
    assert peer.post(client, "/ap/inbox", _follow(peer, 2)).status_code == 202
    assert peer.fetches == 2


def test_a_follow_flood_from_one_host_is_bounded(
    federation: Any, peer: Peer, client: Client
) -> None:
    """Past the host's rate, Follows are refused with 429 before any key is fetched."""
    federation.NASHR_FEDERATION_INBOX_RATE = (5, 300)
    statuses = [peer.post(client, "/ap/inbox", _follow(peer, n)).status_code for n in range(30)]
    assert statuses[:5] == [202] * 5
    assert set(statuses[5:]) == {429}
    assert peer.fetches == 1  # the key, fetched once and cached


def _reply(peer: Peer, in_reply_to: str, content: str, number: int = 1) -> dict[str, Any]:
    note = {
        "id": f"{peer.actor_url}/statuses/{number}",
        "type": "Note",
        "attributedTo": peer.actor_url,
        "inReplyTo": in_reply_to,
        "content": content,
        "url": f"{peer.base}/@alice/{number}",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }
    return {
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": peer.actor_url,
        "object": note,
    }


def test_reply_is_held_then_shown_after_approval(
    federation: Any, peer: Peer, client: Client, make_publication: Any
) -> None:
    """A reply becomes a held comment named by the handle, with a link to the original;
    the page shows it only once approved, and no remote avatar ever."""
    publication = make_publication()
    activity = _reply(
        peer, documents.object_url(publication.pk), "<p>درود <b>بر</b> شما</p><p>two</p>"
    )
    answer = peer.post(client, "/ap/inbox", activity)
    assert answer.status_code == 202, answer.content
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert comment.name == "@alice@127.0.0.1"
    assert comment.body == f"درود بر شما\ntwo\n\n{peer.base}/@alice/1"
    page = publication.get_absolute_url()
    assert "درود بر شما" not in client.get(page).content.decode()
    comments_moderate(actor=COMMAND, comment_ids=[comment.pk], status=CommentStatus.APPROVED)
    shown = client.get(page).content.decode()
    assert "درود بر شما" in shown and "@alice@127.0.0.1" in shown
    assert f'href="{peer.base}/@alice/1"' in shown
    assert "avatar.png" not in shown
    # The same reply delivered twice is one comment.
    assert peer.post(client, "/ap/inbox", activity).status_code == 202
    assert Comment.objects.count() == 1


def test_reply_with_script_or_too_long_is_refused(
    federation: Any, peer: Peer, client: Client, make_publication: Any
) -> None:
    """A reply carrying a script, or 100 kB of text, is refused and stores nothing."""
    publication = make_publication()
    target = documents.object_url(publication.pk)
    scripted = _reply(peer, target, "<p>hi</p><script>alert(1)</script>")
    assert peer.post(client, "/ap/inbox", scripted).status_code == 422
    long = _reply(peer, target, "<p>" + "ب" * 50_000 + "</p>", 2)
    assert peer.post(client, "/ap/inbox", long).status_code == 413
    assert not Comment.objects.exists()


def test_reply_under_closed_comments_is_refused(
    federation: Any, peer: Peer, client: Client, make_publication: Any
) -> None:
    """Comments closed on the publication: a reply is refused as a reader's would be."""
    publication = make_publication()
    comment_policy_set(actor=COMMAND, publication=publication, closed=True)
    activity = _reply(peer, documents.object_url(publication.pk), "<p>late</p>")
    assert peer.post(client, "/ap/inbox", activity).status_code == 403
    assert not Comment.objects.exists()


def test_deleted_reply_is_removed(
    federation: Any, peer: Peer, client: Client, make_publication: Any
) -> None:
    """A Delete of a reply by its author removes the comment."""
    publication = make_publication()
    activity = _reply(peer, documents.object_url(publication.pk), "<p>a reply</p>")
    peer.post(client, "/ap/inbox", activity)
    comment = Comment.objects.get()
    comments_moderate(actor=FEDIVERSE, comment_ids=[comment.pk], status=CommentStatus.APPROVED)
    delete = {
        "id": f"{peer.actor_url}#d",
        "type": "Delete",
        "actor": peer.actor_url,
        "object": activity["object"]["id"],
    }
    assert peer.post(client, "/ap/inbox", delete).status_code == 202
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED


def test_likes_and_boosts_are_only_counted(
    federation: Any, peer: Peer, client: Client, make_publication: Any
) -> None:
    """A Like and an Announce add a count each (twice the same: once); an Undo takes it back."""
    publication = make_publication()
    target = documents.object_url(publication.pk)
    like = {
        "id": f"{peer.actor_url}#like",
        "type": "Like",
        "actor": peer.actor_url,
        "object": target,
    }
    boost = {
        "id": f"{peer.actor_url}#boost",
        "type": "Announce",
        "actor": peer.actor_url,
        "object": target,
    }
    for activity in (like, like, boost):
        answer = peer.post(client, "/ap/inbox", activity)
        assert answer.status_code == 202, answer.content
    assert Reaction.objects.filter(publication_id=publication.pk).count() == 2
    undo = {
        "id": f"{peer.actor_url}#undo-like",
        "type": "Undo",
        "actor": peer.actor_url,
        "object": like,
    }
    peer.post(client, "/ap/inbox", undo)
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["announce"]
    assert not Comment.objects.exists()
