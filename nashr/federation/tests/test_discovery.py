"""Finding the actors: WebFinger, the actor document, the outbox, and a browser's visit."""

from __future__ import annotations

from typing import Any

from django.test import Client

from nashr.federation import documents

ACTIVITY = "application/activity+json"


def test_webfinger_finds_each_language_outside_the_prefixes(
    federation: Any, client: Client
) -> None:
    """`acct:fa@host` and `acct:en@host` lead to two actors, at addresses with no /fa/ or /en/."""
    for code in ("fa", "en"):
        answer = client.get("/.well-known/webfinger", {"resource": f"acct:{code}@testserver"})
        assert answer.status_code == 200
        assert answer["Content-Type"] == "application/jrd+json"
        links = {link["rel"]: link["href"] for link in answer.json()["links"]}
        assert links["self"] == f"http://testserver/ap/actors/{code}"
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:de@testserver"}).status_code == 404
    )
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:fa@elsewhere.example"}).status_code
        == 404
    )


def test_names_come_from_the_settings(federation: Any, client: Client) -> None:
    """NASHR_FEDERATION_NAMES renames an actor; the code no longer finds it."""
    federation.NASHR_FEDERATION_NAMES = {"fa": "akhbar"}
    answer = client.get("/.well-known/webfinger", {"resource": "acct:akhbar@testserver"})
    assert answer.json()["subject"] == "acct:akhbar@testserver"
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:fa@testserver"}).status_code == 404
    )


def test_everything_is_off_by_default(settings: Any, db: None, client: Client) -> None:
    """Without NASHR_FEDERATION every endpoint is a 404."""
    settings.NASHR_FEDERATION = False
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:fa@testserver"}).status_code == 404
    )
    assert client.get("/ap/actors/fa", HTTP_ACCEPT=ACTIVITY).status_code == 404
    assert client.post("/ap/inbox", b"{}", content_type=ACTIVITY).status_code == 404


def test_actor_has_a_profile_and_a_public_key_only(federation: Any, client: Client) -> None:
    """The actor names itself, links the site, has an icon served here and an RSA public
    key kept across requests; its private key appears nowhere."""
    from nashr.federation.models import ActorKey

    first = client.get("/ap/actors/fa", HTTP_ACCEPT=ACTIVITY)
    assert first["Content-Type"] == ACTIVITY
    actor = first.json()
    assert actor["preferredUsername"] == "fa"
    assert actor["name"] and actor["summary"]
    assert actor["url"] == "http://testserver/fa/"
    assert actor["icon"]["url"].startswith("http://testserver/static/")
    assert client.get(actor["icon"]["url"].removeprefix("http://testserver")).status_code == 200
    assert actor["inbox"] == "http://testserver/ap/actors/fa/inbox"
    assert actor["endpoints"]["sharedInbox"] == "http://testserver/ap/inbox"
    assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    again = client.get("/ap/actors/fa", HTTP_ACCEPT=ACTIVITY).json()
    assert again["publicKey"] == actor["publicKey"]
    private = ActorKey.objects.get(language="fa").private_key_pem
    assert "PRIVATE" not in first.content.decode() and private not in first.content.decode()


def test_a_browser_is_sent_to_the_language_home_page(federation: Any, client: Client) -> None:
    """A person opening the actor's address gets the language's home page."""
    answer = client.get("/ap/actors/en", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert answer.status_code == 302
    assert answer["Location"] == "http://testserver/en/"


def test_outbox_lists_published_publications_of_its_language(
    federation: Any, client: Client, make_publication: Any
) -> None:
    """The outbox holds Creates of the language's published Articles, not drafts."""
    shown = make_publication(title="منتشرشده")
    make_publication(title="پیش‌نویس", status="draft")
    make_publication(title="English one", language="en")
    outbox = client.get("/ap/actors/fa/outbox", HTTP_ACCEPT=ACTIVITY).json()
    assert outbox["totalItems"] == 1
    article = outbox["orderedItems"][0]["object"]
    assert article["id"] == documents.object_url(shown.pk)
    assert article["contentMap"].keys() == {"fa"}
    fetched = client.get(f"/ap/p/{shown.pk}", HTTP_ACCEPT=ACTIVITY).json()
    assert fetched["name"] == "منتشرشده"


def test_webfinger_is_not_stored_by_the_page_cache(federation: Any, client: Client) -> None:
    """With the page cache on, WebFinger still reads its query (the cache drops others)."""
    federation.NASHR_PAGE_CACHE = True
    for code in ("fa", "en", "fa"):
        answer = client.get("/.well-known/webfinger", {"resource": f"acct:{code}@testserver"})
        assert answer.json()["subject"] == f"acct:{code}@testserver"
