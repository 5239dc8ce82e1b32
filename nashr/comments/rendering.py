"""One comment as HTML: the one builder, used under publications and on the reply page.

Written in Python rather than as an included template: a page shows hundreds of comments,
and an include per comment (a context, a template lookup, number localization of every
id) cost more than the rest of the page. For the same reason the pieces are joined with
plain string formatting and the standard library's `html.escape` (what Django's `escape`
does, without its lazy-string and SafeString wrapping per call), and a day's date is
written once per language: every piece of reader text is still escaped, here or in
`linkify`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from html import escape

from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from nashr.comments.models import Comment
from nashr.comments.reader_text import linkify
from nashr.core import calendars

THE_EDITORS = _("The editors")
STAFF_BADGE = _("reply from the organization")
REPLY = _("Reply")
REPLY_TO = _("to %(name)s")


@lru_cache(maxsize=16)
def _labels(language: str) -> tuple[str, str, str, str]:
    """The fixed words of a comment, translated and escaped once per language."""
    with translation.override(language):
        return (
            escape(str(THE_EDITORS)),
            escape(str(STAFF_BADGE)),
            escape(str(REPLY)),
            str(REPLY_TO),
        )


@lru_cache(maxsize=4096)
def _date(day: dt.date, language: str) -> str:
    return escape(calendars.format_date(day, language))


def comment_html(comment: Comment, *, language: str, reply_url: str = "") -> SafeString:
    """The comment's article: who, when (the page's calendar and digits), the text.

    `reply_url` (the reply form's address, without the query) adds a "Reply" link.
    """
    the_editors, staff_badge, reply_label, reply_to_pattern = _labels(language)
    pk = str(comment.pk)
    label_id = f"comment-{pk}-by"
    if comment.staff_author_id:
        by = (
            f'<p class="comment__by" id="{label_id}"><strong>{the_editors}</strong> '
            f'<span class="comment__badge">{staff_badge}</span></p>'
        )
    else:
        by = f'<p class="comment__by" id="{label_id}"><bdi>{escape(comment.name)}</bdi></p>'
    local = timezone.localtime(comment.created_at)
    when = (
        f'<p class="comment__date"><a href="#comment-{pk}">'
        f'<time datetime="{local.isoformat(timespec="seconds")}">'
        f"{_date(local.date(), language)}</time></a></p>"
    )
    lang = f' lang="{escape(comment.language)}"' if comment.language else ""
    reply = ""
    if reply_url:
        reply_to = reply_to_pattern % {"name": comment.name}
        reply = (
            f'<p class="comment__reply"><a href="{escape(reply_url)}?reply={pk}">'
            f"{reply_label}"
            f'<span class="visually-hidden"> {escape(reply_to)}</span></a></p>'
        )
    staff = " comment--staff" if comment.staff_author_id else ""
    return mark_safe(  # every piece of reader text above went through escape() or linkify
        f'<article class="comment{staff}" id="comment-{pk}" aria-labelledby="{label_id}">'
        f'<header class="comment__header">{by}{when}</header>'
        f'<div class="comment__body" dir="auto"{lang}>{linkify(comment.body)}</div>'
        f"{reply}</article>"
    )


def thread_html(comments: Iterable[Comment], *, language: str, reply_url: str = "") -> SafeString:
    """The list of comments, each with its approved replies indented under it.

    One call for the whole thread (not a template loop with a tag per comment): a page
    with hundreds of comments spends its time here. `reply_url` adds the "Reply" links
    to top-level comments (replies take no replies).
    """
    items = []
    for comment in comments:
        replies = getattr(comment, "approved_replies", ())
        nested = (
            '<ol class="comments__replies">'
            + "".join(f"<li>{comment_html(reply, language=language)}</li>" for reply in replies)
            + "</ol>"
            if replies
            else ""
        )
        items.append(
            f"<li>{comment_html(comment, language=language, reply_url=reply_url)}\n{nested}\n</li>"
        )
    if not items:
        return mark_safe("")
    return mark_safe(  # built from comment_html's escaped pieces
        '<ol class="comments__list">\n' + "".join(items) + "\n</ol>"
    )
