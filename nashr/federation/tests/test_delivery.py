"""Publishing reaches the followers: Create, Update, Delete, retried until the inbox is back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.test import Client

from nashr.core.actors import COMMAND
from nashr.federation import delivery, documents
from nashr.federation.models import DeliveryState, Follower, InboxDelivery, InboxFailure
from nashr.federation.tests.conftest import Peer
from nashr.publications import services as publication_services


def _follower(peer: Peer, language: str = "fa") -> Follower:
    return Follower.objects.create(
        language=language,
        actor_id=peer.actor_url,
        handle="@alice@127.0.0.1",
        host="127.0.0.1",
        inbox=peer.inbox,
        shared_inbox=f"{peer.base}/inbox",
    )


def test_publish_edit_unpublish_delete_reach_the_follower(
    our_key: str, peer: Peer, make_publication: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Publishing sends a signed Create of the Article in Persian to the shared inbox; an
    edit an Update, a save that changes nothing nothing; unpublishing a Delete; publishing
    again a Create; deleting a Delete."""
    _follower(peer)
    _follower(peer, "en")  # the English actor's follower gets nothing of a Persian text
    with django_capture_on_commit_callbacks(execute=True):
        publication = make_publication(
            summary="خلاصه", body="متن ![عکس](/static/federation/icon.png)"
        )
    [create] = peer.activities("Create")
    article = create["object"]
    assert peer.received[0].path == "/inbox" and peer.received[0].signature_valid
    assert create["actor"] == documents.actor_url("fa")
    assert article["type"] == "Article" and article["name"] == publication.title
    assert list(article["contentMap"]) == ["fa"] and 'dir="rtl"' in article["contentMap"]["fa"]
    assert article["summary"] == "خلاصه"
    assert article["url"] == f"http://testserver{publication.get_absolute_url()}"
    assert article["attachment"][0]["url"].endswith("/static/federation/icon.png")
    assert len(peer.received) == 1
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_update(
            actor=COMMAND, publication=publication, title="عنوان تازه"
        )
    [update] = peer.activities("Update")
    assert update["object"]["name"] == "عنوان تازه" and update["object"]["id"] == article["id"]
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_update(
            actor=COMMAND, publication=publication, title="عنوان تازه"
        )
    assert len(peer.received) == 2
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_unpublish(actor=COMMAND, publication=publication)
    [delete] = peer.activities("Delete")
    assert delete["object"] == {"id": article["id"], "type": "Tombstone"}
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_publish(actor=COMMAND, publication=publication)
    assert len(peer.activities("Create")) == 2
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_delete(actor=COMMAND, publication=publication)
    assert len(peer.activities("Delete")) == 2
    assert all(r.signature_valid for r in peer.received)


def test_an_imported_archive_is_not_sent(
    our_key: str, peer: Peer, make_publication: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Publications published years ago (an import) are not sent as news; a new one is."""
    _follower(peer)
    with django_capture_on_commit_callbacks(execute=True):
        make_publication(published_at=dt.datetime(2020, 3, 1, tzinfo=dt.UTC))
        make_publication(title="تازه")
    assert [a["object"]["name"] for a in peer.activities("Create")] == ["تازه"]


def test_an_inbox_down_gets_the_publication_when_back(
    our_key: str, peer: Peer, make_publication: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """An inbox answering 503 keeps its row queued with a later time; the next run once
    it is back delivers it."""
    _follower(peer)
    peer.inbox_answers = [503, 503]
    with django_capture_on_commit_callbacks(execute=True):
        make_publication()
    row = InboxDelivery.objects.get()
    assert (row.state, row.attempts) == (DeliveryState.QUEUED, 1)
    assert "503" in row.last_error
    assert not peer.received
    delivery.deliveries_run()  # still down
    delivery.deliveries_run()  # back
    row.refresh_from_db()
    assert row.state == DeliveryState.SENT and row.attempts == 3
    assert [a["type"] for a in (r.activity for r in peer.received)] == ["Create"]
    assert not InboxFailure.objects.exists()


def test_an_inbox_failing_for_days_is_given_up_and_the_administrators_told(
    federation: Any,
    our_key: str,
    peer: Peer,
    make_publication: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """After NASHR_FEDERATION_DROP_AFTER_DAYS of failures the inbox's rows fail, its
    followers are removed, and ADMINS get a mail naming it."""
    federation.ADMINS = [("Admin", "admin@nashr.example")]
    _follower(peer)
    peer.inbox_answers = [500] * 5
    with django_capture_on_commit_callbacks(execute=True):
        make_publication()
    InboxFailure.objects.update(since=InboxFailure.objects.get().since - dt.timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        delivery.deliveries_run()
    assert InboxDelivery.objects.get().state == DeliveryState.FAILED
    assert not Follower.objects.exists()
    [notice] = mail.outbox
    assert f"{peer.base}/inbox" in notice.body and "@alice@127.0.0.1" in notice.body


def test_turned_off_nothing_is_sent(
    federation: Any,
    our_key: str,
    peer: Peer,
    make_publication: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Turning the fediverse off stops the deliveries: queued rows wait, unsent."""
    _follower(peer)
    peer.inbox_answers = [503]
    with django_capture_on_commit_callbacks(execute=True):
        make_publication()
    federation.NASHR_FEDERATION = False
    delivery.deliveries_run()
    with django_capture_on_commit_callbacks(execute=True):
        make_publication(title="دومی")
    assert InboxDelivery.objects.get().state == DeliveryState.QUEUED
    assert not peer.received


def test_a_refusing_inbox_is_not_retried(
    our_key: str, peer: Peer, make_publication: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A 4xx other than 408/429 fails the row at once."""
    _follower(peer)
    peer.inbox_answers = [403]
    with django_capture_on_commit_callbacks(execute=True):
        make_publication()
    assert InboxDelivery.objects.get().state == DeliveryState.FAILED


def test_nothing_is_sent_to_private_addresses_unless_allowed(
    federation: Any,
    our_key: str,
    peer: Peer,
    make_publication: Any,
    django_capture_on_commit_callbacks: Any,
    client: Client,
) -> None:
    """With the SSRF guard on (production), a loopback inbox is refused, never contacted."""
    federation.NASHR_FEDERATION_ALLOW_PRIVATE = False
    _follower(peer)
    with django_capture_on_commit_callbacks(execute=True):
        make_publication()
    row = InboxDelivery.objects.get()
    assert row.state == DeliveryState.FAILED and "not a public address" in row.last_error
    assert not peer.received
