"""The fediverse's endpoints, outside the language prefixes (config/urls.py): WebFinger,
each language's actor with its inbox, outbox and followers, the shared inbox, and the
Article of each publication. All answer 404 while NASHR_FEDERATION is off."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from nashr.core.languages import codes
from nashr.federation import documents, keys, selectors, services
from nashr.federation.models import FederatedPost, PostState
from nashr.publications.models import Publication, Status

ACTIVITY_JSON = "application/activity+json"
JRD = "application/jrd+json"


def _on() -> None:
    if not services.federation_on():
        raise Http404


def _json(
    document: dict[str, Any], *, content_type: str = ACTIVITY_JSON, status: int = 200
) -> HttpResponse:
    response = JsonResponse(
        document,
        content_type=content_type,
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Vary"] = "Accept"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _wants_html(request: HttpRequest) -> bool:
    """A browser: it asks for HTML and not for ActivityPub's JSON."""
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "activity+json" not in accept and "ld+json" not in accept


def _language(name: str) -> str:
    language = documents.language_of_name(name)
    if language is None:
        raise Http404
    return language


@require_GET
def webfinger(request: HttpRequest) -> HttpResponse:
    _on()
    resource = request.GET.get("resource", "")
    language = None
    if resource.startswith("acct:"):
        user, _at, host = resource.removeprefix("acct:").lstrip("@").rpartition("@")
        if host.lower() == documents.site_host().lower():
            language = documents.language_of_name(user)
    else:
        language = next((c for c in codes() if documents.actor_url(c) == resource), None)
    if language is None:
        raise Http404
    return _json(documents.webfinger_document(language), content_type=JRD)


@require_GET
def actor(request: HttpRequest, name: str) -> HttpResponse:
    _on()
    language = _language(name)
    if _wants_html(request):
        return HttpResponseRedirect(documents.home_url(language))
    key = keys.actor_key(language)
    return _json(documents.actor_document(language, public_key_pem=key.public_key_pem))


@require_GET
def outbox(request: HttpRequest, name: str) -> HttpResponse:
    _on()
    language = _language(name)
    total, latest = selectors.outbox_publications(language=language)
    items = [documents.create_or_update("Create", documents.article_document(p)) for p in latest]
    for item in items:
        item.pop("@context", None)
        item["id"] = f"{item['object']['id']}#create"
    url = documents.outbox_url(language)
    return _json(
        {
            "@context": documents.CONTEXT,
            "id": url,
            "type": "OrderedCollection",
            "totalItems": total,
            "orderedItems": items,
        }
    )


@require_GET
def followers(request: HttpRequest, name: str) -> HttpResponse:
    """How many follow the actor, not who: the list is nobody else's business."""
    _on()
    language = _language(name)
    return _json(
        {
            "@context": documents.CONTEXT,
            "id": documents.followers_url(language),
            "type": "OrderedCollection",
            "totalItems": selectors.follower_count(language=language),
        }
    )


@require_GET
def article(request: HttpRequest, pk: int) -> HttpResponse:
    _on()
    publication = Publication.objects.filter(pk=pk, status=Status.PUBLISHED).first()
    if publication is None:
        if FederatedPost.objects.filter(publication_id=pk, state=PostState.DELETED).exists():
            return _json(
                {
                    "@context": documents.CONTEXT,
                    "id": documents.object_url(pk),
                    "type": "Tombstone",
                },
                status=410,
            )
        raise Http404
    if _wants_html(request):
        return HttpResponseRedirect(publication.get_absolute_url())
    document = documents.article_document(publication)
    return _json({"@context": documents.CONTEXT, **document})


def _receive(request: HttpRequest, language: str | None) -> HttpResponse:
    _on()
    declared = request.headers.get("Content-Length", "0")
    if declared.isdigit() and int(declared) > settings.NASHR_FEDERATION_INBOX_MAX_BYTES:
        return HttpResponse("the request is too large", status=413, content_type="text/plain")
    inbox_request = services.InboxRequest(
        method=request.method or "POST",
        path=request.get_full_path(),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=request.body,
    )
    try:
        done = services.inbox_receive(inbox_request, language=language)
    except services.InboxRefused as refused:
        return HttpResponse(refused.message, status=refused.status, content_type="text/plain")
    return HttpResponse(json.dumps({"done": done}), status=202, content_type="application/json")


@csrf_exempt
@require_POST
def inbox(request: HttpRequest, name: str) -> HttpResponse:
    return _receive(request, _language(name))


@csrf_exempt
@require_POST
def shared_inbox(request: HttpRequest) -> HttpResponse:
    return _receive(request, None)
