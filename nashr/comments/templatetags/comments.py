"""The comments under a publication, and their count in lists.

Loaded by the publication templates (`{% load comments %}`), so the publications app
itself never imports this one.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString

from nashr.comments import selectors, services
from nashr.comments.forms import CommentForm
from nashr.comments.models import Comment
from nashr.comments.reader_text import linkify
from nashr.comments.rendering import comment_html, thread_html
from nashr.core.languages import current_language
from nashr.core.mirror_mode import mirror_mode
from nashr.publications.models import Publication

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context: template.Context, publication: Publication) -> dict[str, Any]:
    """The approved comments, oldest first, replies under their comment, and the form."""
    thread = selectors.comment_thread(publication=publication)
    state = services.comments_state(publication)
    return {
        "publication": publication,
        # A policy that hides the comments shows no section at all (Drupal's "hidden").
        "hidden": state == services.HIDDEN,
        "comments": thread.comments,
        "count": thread.count,
        "open": state == services.OPEN,
        "form": CommentForm(),
        "reply_url": reverse("comments:post", kwargs={"pk": publication.pk}),
        # The static mirror renders pages without the form (it cannot take posts).
        "mirror_mode": mirror_mode(context.get("request")),
        "PAGE_LANGUAGE": context.get("PAGE_LANGUAGE"),
    }


@register.simple_tag
def comment_article(comment: Comment, reply_url: str = "") -> SafeString:
    """One comment, in the page's calendar; `reply_url` adds its "Reply" link."""
    return comment_html(comment, language=current_language(), reply_url=reply_url)


@register.simple_tag
def comment_thread(comments: list[Comment], reply_url: str = "") -> SafeString:
    """The whole list of comments and replies, in the page's calendar."""
    return thread_html(comments, language=current_language(), reply_url=reply_url)


@register.filter
def comment_body(text: str) -> SafeString:
    """A reader's text: escaped, paragraphs and line breaks kept, links clickable."""
    return linkify(text)


# Where the counts of one page's lists are kept for the rest of its rendering.
_COUNTS = "_nashr_comment_counts"


@register.inclusion_tag("comments/_count.html", takes_context=True)
def comment_count(context: template.Context, publication: Publication) -> dict[str, Any]:
    """ "3 comments" in a list of publications; one query for the whole page.

    Each item of a list is a template of its own (no shared render context), so the
    counts are kept on the request: the first item asks for every count at once.
    """
    request = context.get("request")
    if request is None:
        return {"count": selectors.comment_count(publication_id=publication.pk)}
    counts = getattr(request, _COUNTS, None)
    if counts is None:
        counts = selectors.comment_counts()
        setattr(request, _COUNTS, counts)
    return {"count": counts.get(publication.pk, 0)}
