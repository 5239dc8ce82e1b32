"""Posting a comment from a cached page, the proof-of-work challenge, the commenter's links.

No view here reads or sets a cookie, and the comment form carries no CSRF token (one
reader's token would be served to everyone from the page cache). A post is accepted
only when the browser says it comes from this site (Sec-Fetch-Site, else Origin or
Referer): another site's page cannot make a reader's browser post in their name. The
links mailed to a commenter are authorized by their signed token, as the subscribers'
links are.

A post that is taken answers with a redirect (303) to the form's own address, where
numbers in the query say what became of the comment (``held=1`` or ``shown=<id>``, and
``mailed=1``): reloading that page posts nothing again, and no cookie carries the news.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from nashr.comments import proof, selectors, services, tokens
from nashr.comments.forms import CommentForm
from nashr.comments.models import CommentStatus
from nashr.core.clients import client_address
from nashr.core.exceptions import StateError, ValidationError
from nashr.core.pagecache import POSTED_PARAMETERS, REPLY_PARAMETER
from nashr.publications.models import Publication


def _site_hosts(request: HttpRequest) -> set[str]:
    hosts = {request.get_host().lower()}
    site = urlsplit(settings.NASHR_SITE_URL)
    if site.netloc:
        hosts.add(site.netloc.lower())
    return hosts


def same_site(request: HttpRequest) -> bool:
    """Whether the post comes from a page of this site.

    Browsers say so in Sec-Fetch-Site, which a page cannot set. The pages ask for no
    referrer (<meta name="referrer">), so their posts carry `Origin: null` and no
    Referer; a browser too old for Sec-Fetch-Site is judged by those, when it sends them.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    if fetch_site:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin", "")
    source = origin if origin and origin != "null" else request.headers.get("Referer", "")
    if not source:
        return False
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https"):
        return False
    return parts.netloc.lower() in _site_hosts(request)


def _publication(pk: int) -> Publication:
    publication = Publication.objects.published().filter(pk=pk).first()
    if publication is None:
        raise Http404
    return publication


def _number(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _reply_form(request: HttpRequest, publication: Publication) -> HttpResponse:
    """The form alone, to reply to the comment named by ?reply= (or to comment)."""
    parent = None
    reply = _number(request, REPLY_PARAMETER)
    if reply is not None:
        parent = selectors.comment_shown(publication=publication, pk=reply)
    if not services.comments_open(publication):
        raise Http404
    context = {"publication": publication, "form": CommentForm(), "parent": parent}
    return render(request, "comments/posted.html", context)


HELD, SHOWN, MAILED = POSTED_PARAMETERS


def _posted_redirect(
    publication: Publication, *, shown: int | None, mailed: bool
) -> HttpResponseRedirect:
    """See Other: the form's address saying what became of the comment just taken."""
    query = {SHOWN: str(shown)} if shown is not None else {HELD: "1"}
    if mailed:
        query[MAILED] = "1"
    response = HttpResponseRedirect(
        reverse("comments:post", kwargs={"pk": publication.pk}) + "?" + urlencode(query)
    )
    response.status_code = 303  # the browser GETs it, and a reload does not post again
    return response


def _posted(request: HttpRequest, publication: Publication) -> HttpResponse:
    """What became of the comment the reader just posted, as the redirect's query says.

    Nothing in it is secret: anyone may open ?held=1 and read that comments are held; a
    ?shown= naming a comment readers cannot see says it is held.
    """
    shown = _number(request, SHOWN)
    comment = (
        selectors.comment_shown(publication=publication, pk=shown) if shown is not None else None
    )
    context = {
        "publication": publication,
        "held": comment is None,
        "comment": comment,
        "mailed": request.GET.get(MAILED) == "1",
        "form": None,
    }
    return render(request, "comments/posted.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def post(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a comment, then redirect to the page saying whether it is shown or held.

    GET shows the form by itself: the "Reply" link of a comment leads here, so replying
    needs no script and the cached publication page holds one form only. With the
    redirect's ?held= or ?shown=, GET shows what became of the comment.
    """
    publication = _publication(pk)
    if request.method != "POST":
        if any(name in request.GET for name in (HELD, SHOWN)):
            return _posted(request, publication)
        return _reply_form(request, publication)
    if not same_site(request):
        return render(request, "comments/refused.html", {"publication": publication}, status=403)
    form = CommentForm(request.POST)
    context: dict[str, object] = {"publication": publication, "form": form}
    if not form.is_valid():
        return render(request, "comments/posted.html", context, status=400)
    if form.cleaned_data["website"]:
        # A bot: it gets the answer a person gets, and nothing is kept.
        return _posted_redirect(publication, shown=None, mailed=bool(form.cleaned_data["email"]))
    parent_id = form.cleaned_data["parent"]
    if parent_id is not None:
        # The page shows only a comment readers see: the answer about any other is the
        # one about a comment that does not exist (the service refuses both alike).
        context["parent"] = selectors.comment_shown(publication=publication, pk=parent_id)
    try:
        posted = services.comment_post(
            publication=publication,
            name=form.cleaned_data["name"],
            body=form.cleaned_data["body"],
            email=form.cleaned_data["email"] or "",
            parent_id=parent_id,
            client_address=client_address(request),
            proof_of_work=proof.solution_accept(form.cleaned_data["altcha"]),
        )
    except services.RateLimited as exc:
        return render(request, "comments/posted.html", {**context, "error": exc}, status=429)
    except (ValidationError, StateError) as exc:
        if exc.where in form.fields:
            form.add_error(exc.where, exc.message)
        return render(request, "comments/posted.html", {**context, "error": exc}, status=400)
    return _posted_redirect(
        publication,
        shown=None if posted.held else posted.comment.pk,
        mailed=bool(posted.comment.email),
    )


@require_GET
@never_cache
def challenge(request: HttpRequest, pk: int) -> JsonResponse:
    """A fresh proof-of-work challenge for the comment form's script."""
    _publication(pk)
    return JsonResponse(proof.challenge_new())


@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: a button (mail scanners follow links, they do not press buttons)."""
    try:
        comment = tokens.comment_for_confirm_token(token)
    except tokens.InvalidToken:
        return render(request, "comments/link_invalid.html", status=404)
    if request.method == "POST":
        comment = services.comment_email_confirm(comment=comment)
        return render(
            request,
            "comments/confirmed.html",
            {"comment": comment, "shown": comment.status == CommentStatus.APPROVED},
        )
    return render(request, "comments/confirm.html", {"comment": comment, "token": token})


@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def mine(request: HttpRequest, token: str) -> HttpResponse:
    """The commenter's own comments; stop reply mail, or delete them all."""
    try:
        digest = tokens.email_hash_for_data_token(token)
    except tokens.InvalidToken:
        return render(request, "comments/link_invalid.html", status=404)
    comments = list(selectors.comments_of_commenter(email_digest=digest))
    if not comments:
        return render(request, "comments/link_invalid.html", status=404)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.commenter_delete(email_digest=digest)
            return render(request, "comments/deleted.html")
        services.commenter_notifications_stop(email_digest=digest)
        comments = list(selectors.comments_of_commenter(email_digest=digest))
    notified = any(comment.email for comment in comments)
    return render(
        request,
        "comments/mine.html",
        {"comments": comments, "token": token, "notified": notified},
    )
