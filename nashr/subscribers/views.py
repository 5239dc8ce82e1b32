"""Subscribe, confirm, unsubscribe (RFC 8058 one-click), and see or delete one's data.

The views that act on a signed link, and the subscribe form, are exempt from CSRF: the
token in the address is what authorizes the action (a forged request would need it), the
subscribe form is guarded by double opt-in, and so no public page has to set a cookie.
RFC 8058 requires the unsubscribe POST to work with no cookie at all.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from nashr.core.clients import address_hash, client_address
from nashr.core.exceptions import ValidationError
from nashr.core.languages import current_language
from nashr.subscribers import ratelimit, selectors, services, tokens
from nashr.subscribers.forms import SubscribeForm


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    language = current_language()
    if request.method != "POST":
        form = SubscribeForm(language=language)
        return render(request, "subscribers/subscribe.html", {"form": form})
    limit, window = settings.NASHR_SUBSCRIBE_RATE
    if not ratelimit.hit(
        kind="client", value=address_hash(client_address(request)), limit=limit, window=window
    ):
        return render(request, "subscribers/too_many.html", status=429)
    form = SubscribeForm(request.POST, language=language)
    if not form.is_valid():
        return render(request, "subscribers/subscribe.html", {"form": form}, status=400)
    if form.cleaned_data["website"]:
        # A bot: it gets the answer a person gets, and nothing happens.
        return _sent_redirect()
    email = services.normalize_email(form.cleaned_data["email"])
    limit, window = settings.NASHR_SUBSCRIBE_ADDRESS_RATE
    if ratelimit.hit(kind="address", value=email, limit=limit, window=window):
        try:
            services.subscriber_subscribe(
                email=email, series=list(form.cleaned_data["series"]), language=language
            )
        except ValidationError as exc:
            form.add_error("email", exc.message)
            return render(request, "subscribers/subscribe.html", {"form": form}, status=400)
    return _sent_redirect()


def _sent_redirect() -> HttpResponse:
    """303 See Other: the browser GETs the "check your mailbox" page."""
    response = redirect("subscribers:sent")
    response.status_code = 303
    return response


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "subscribers/sent.html")


def _invalid(request: HttpRequest, exc: tokens.InvalidToken) -> HttpResponse:
    expired = isinstance(exc, tokens.ExpiredToken)
    return render(request, "subscribers/link_invalid.html", {"expired": expired}, status=400)


TokenView = Callable[[HttpRequest, str, tokens.TokenData], HttpResponse]


def _signed_link(purpose: str) -> Callable[[TokenView], Callable[[HttpRequest, str], HttpResponse]]:
    """A view of a signed link: it runs only with the link's token read, else explains."""

    def decorate(view: TokenView) -> Callable[[HttpRequest, str], HttpResponse]:
        @functools.wraps(view)
        def read_first(request: HttpRequest, token: str) -> HttpResponse:
            try:
                found = tokens.read_token(purpose=purpose, token=token)
            except tokens.InvalidToken as exc:
                return _invalid(request, exc)
            return view(request, token, found)

        return read_first

    return decorate


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_signed_link(tokens.CONFIRM)
def confirm(request: HttpRequest, token: str, data: tokens.TokenData) -> HttpResponse:
    if request.method != "POST":
        # Mail scanners open links: only the button confirms.
        return render(request, "subscribers/confirm.html", {"token": token})
    series = services.subscriber_confirm(subscriber=data.subscriber, series_ids=data.series_ids)
    return render(request, "subscribers/confirmed.html", {"series": series})


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_signed_link(tokens.UNSUBSCRIBE)
def unsubscribe(request: HttpRequest, token: str, data: tokens.TokenData) -> HttpResponse:
    """GET shows a button; POST (the button, or a mail client's one-click) unsubscribes."""
    subscriptions = selectors.subscriber_subscriptions(subscriber=data.subscriber).filter(
        series_id__in=data.series_ids
    )
    if request.method != "POST":
        return render(
            request,
            "subscribers/unsubscribe.html",
            {"token": token, "subscriptions": subscriptions},
        )
    services.subscription_unsubscribe(subscriber=data.subscriber, series_ids=data.series_ids)
    return render(request, "subscribers/unsubscribed.html", {"subscriptions": subscriptions})


@_signed_link(tokens.DATA)
def data(request: HttpRequest, token: str, found: tokens.TokenData) -> HttpResponse:
    subscriber = found.subscriber
    context = {
        "token": token,
        "subscriber": subscriber,
        "subscriptions": selectors.subscriber_subscriptions(subscriber=subscriber),
        "deliveries": selectors.subscriber_messages_count(subscriber=subscriber),
    }
    return render(request, "subscribers/data.html", context)


@_signed_link(tokens.DATA)
def data_download(request: HttpRequest, token: str, found: tokens.TokenData) -> HttpResponse:
    stored = selectors.subscriber_data(subscriber=found.subscriber)
    response = HttpResponse(
        json.dumps(stored, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="nashr-subscriber-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
@_signed_link(tokens.DATA)
def data_delete(request: HttpRequest, token: str, found: tokens.TokenData) -> HttpResponse:
    services.subscriber_delete(subscriber=found.subscriber)
    return render(request, "subscribers/deleted.html")
