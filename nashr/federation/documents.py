"""The JSON documents the actors publish: actor, WebFinger answer, Article, activities.

One builder per document, used by the views (what a server fetches) and by delivery
(what is sent), so a fetched Article and a delivered one are the same.

JSON-LD: documents are written in the compact form of the ActivityStreams and security
contexts, and received ones are read in it, as Mastodon reads them. No JSON-LD processor
(pyld) expands them: expansion fetches every context a document names from the network,
and Nashr contacts nothing but its followers' inboxes and the keys it must verify. A peer
that writes another compaction (Fedify, below) is held to this by the tests against it.
"""

from __future__ import annotations

import hashlib
import html
import json
import uuid
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from nashr.core.languages import codes, own_name
from nashr.publications.models import Publication

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
SITE_NAME = _("Nashr")
ACTOR_SUMMARY = _("Publications of %(site)s in %(language)s, as they are published.")
# What an Article's content keeps of a publication's HTML (Mastodon keeps less).
CONTENT_TAGS = {
    "p", "br", "a", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "div", "span",
}  # fmt: skip
CONTENT_ATTRIBUTES = {"a": {"href"}, "div": {"lang", "dir"}, "p": {"dir"}}


def site_url(path: str) -> str:
    return urljoin(settings.NASHR_SITE_URL + "/", path.lstrip("/"))


def site_host() -> str:
    return urlsplit(settings.NASHR_SITE_URL).netloc


def actor_name(language: str) -> str:
    """The actor's user name: NASHR_FEDERATION_NAMES's for the language, else its code."""
    names: dict[str, str] = settings.NASHR_FEDERATION_NAMES
    return names.get(language, language)


def language_of_name(name: str) -> str | None:
    """The language whose actor is called `name`, None for none."""
    for code in codes():
        if actor_name(code) == name:
            return code
    return None


def actor_url(language: str) -> str:
    return site_url(reverse("federation:actor", kwargs={"name": actor_name(language)}))


def key_id(language: str) -> str:
    return f"{actor_url(language)}#main-key"


def inbox_url(language: str) -> str:
    return site_url(reverse("federation:inbox", kwargs={"name": actor_name(language)}))


def shared_inbox_url() -> str:
    return site_url(reverse("federation:shared_inbox"))


def followers_url(language: str) -> str:
    return site_url(reverse("federation:followers", kwargs={"name": actor_name(language)}))


def outbox_url(language: str) -> str:
    return site_url(reverse("federation:outbox", kwargs={"name": actor_name(language)}))


def home_url(language: str) -> str:
    with translation.override(language):
        return site_url(reverse("publications:home"))


def object_url(publication_id: int) -> str:
    return site_url(reverse("federation:article", kwargs={"pk": publication_id}))


def handle(language: str) -> str:
    return f"{actor_name(language)}@{site_host()}"


def actor_document(language: str, *, public_key_pem: str) -> dict[str, Any]:
    """The actor of `language`: profile, endpoints and public key (never the private one)."""
    with translation.override(language):
        name = str(SITE_NAME)
        summary = str(ACTOR_SUMMARY % {"site": name, "language": own_name(language)})
    me = actor_url(language)
    return {
        "@context": CONTEXT,
        "id": me,
        "type": "Service",
        "preferredUsername": actor_name(language),
        "name": name,
        "summary": f"<p>{html.escape(summary)}</p>",
        "url": home_url(language),
        "icon": {
            "type": "Image",
            "mediaType": "image/png",
            "url": site_url(static("federation/icon.png")),
        },
        "inbox": inbox_url(language),
        "outbox": outbox_url(language),
        "followers": followers_url(language),
        "endpoints": {"sharedInbox": shared_inbox_url()},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": key_id(language), "owner": me, "publicKeyPem": public_key_pem},
    }


def webfinger_document(language: str) -> dict[str, Any]:
    return {
        "subject": f"acct:{handle(language)}",
        "aliases": [actor_url(language), home_url(language)],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor_url(language)},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": home_url(language),
            },
        ],
    }


class _Images(HTMLParser):
    """The images of a publication's HTML: (absolute src, alt)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            values = dict(attrs)
            if values.get("src"):
                self.found.append((site_url(values["src"] or ""), values.get("alt") or ""))


def _images(body_html: str) -> list[tuple[str, str]]:
    parser = _Images()
    parser.feed(body_html)
    return parser.found


def article_document(publication: Publication) -> dict[str, Any]:
    """The Article of a published publication: its text as sanitized HTML in its language."""
    language = publication.language
    body = nh3.clean(publication.body_html, tags=CONTENT_TAGS, attributes=CONTENT_ATTRIBUTES)
    content = f'<div lang="{language}" dir="{publication.direction}">{body}</div>'
    document: dict[str, Any] = {
        "id": object_url(publication.pk),
        "type": "Article",
        "attributedTo": actor_url(language),
        "name": publication.title,
        "nameMap": {language: publication.title},
        "content": content,
        "contentMap": {language: content},
        "mediaType": "text/html",
        "url": site_url(publication.get_absolute_url()),
        "to": [PUBLIC],
        "cc": [followers_url(language)],
        "attachment": [
            {"type": "Image", "url": src, "name": alt}
            for src, alt in _images(publication.body_html)
        ],
    }
    if publication.summary:
        document["summary"] = publication.summary
        document["summaryMap"] = {language: publication.summary}
    if publication.published_at is not None:
        document["published"] = publication.published_at.isoformat(timespec="seconds")
    return document


def fingerprint(article: dict[str, Any]) -> str:
    """What changes when a follower would see a change of the Article."""
    return hashlib.sha256(json.dumps(article, sort_keys=True).encode()).hexdigest()


def activity_id() -> str:
    return site_url(f"/ap/activities/{uuid.uuid4()}")


def create_or_update(kind: str, article: dict[str, Any], *, updated: str = "") -> dict[str, Any]:
    """A Create or an Update of `article` by its language's actor."""
    shown = dict(article)
    if updated:
        shown["updated"] = updated
    return {
        "@context": CONTEXT,
        "id": activity_id(),
        "type": kind,
        "actor": article["attributedTo"],
        "published": article.get("published"),
        "to": article["to"],
        "cc": article["cc"],
        "object": shown,
    }


def delete(language: str, publication_id: int) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": activity_id(),
        "type": "Delete",
        "actor": actor_url(language),
        "to": [PUBLIC],
        "cc": [followers_url(language)],
        "object": {"id": object_url(publication_id), "type": "Tombstone"},
    }


def accept(language: str, follow: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": activity_id(),
        "type": "Accept",
        "actor": actor_url(language),
        "to": [follow.get("actor")],
        "object": {key: value for key, value in follow.items() if key != "@context"},
    }
