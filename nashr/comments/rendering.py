"""One comment as HTML: the one builder, used under publications and on the reply page.

Written in Python rather than as an included template: a page shows hundreds of comments,
and an include per comment (a context, a template lookup, number localization of every
id) cost more than the rest of the page. Every piece of reader text goes through
format_html's escaping or `linkify`.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from nashr.comments.models import Comment
from nashr.comments.text import linkify
from nashr.core import calendars

THE_EDITORS = _("The editors")
STAFF_BADGE = _("reply from the organization")
REPLY = _("Reply")
REPLY_TO = _("to %(name)s")


def comment_html(comment: Comment, *, language: str, reply_url: str = "") -> SafeString:
    """The comment's article: who, when (the page's calendar and digits), the text.

    `reply_url` (the reply form's address, without the query) adds a "Reply" link.
    """
    pk = str(comment.pk)
    label_id = f"comment-{pk}-by"
    if comment.staff_author_id:
        by = format_html(
            '<p class="comment__by" id="{}"><strong>{}</strong> '
            '<span class="comment__badge">{}</span></p>',
            label_id,
            THE_EDITORS,
            STAFF_BADGE,
        )
    else:
        by = format_html('<p class="comment__by" id="{}"><bdi>{}</bdi></p>', label_id, comment.name)
    local = timezone.localtime(comment.created_at)
    when = format_html(
        '<p class="comment__date"><a href="#comment-{}"><time datetime="{}">{}</time></a></p>',
        pk,
        local.isoformat(timespec="seconds"),
        calendars.format_date(local, language),
    )
    lang = format_html(' lang="{}"', comment.language) if comment.language else ""
    reply = ""
    if reply_url:
        reply = format_html(
            '<p class="comment__reply"><a href="{}?reply={}">{}'
            '<span class="visually-hidden"> {}</span></a></p>',
            reply_url,
            pk,
            REPLY,
            str(REPLY_TO) % {"name": comment.name},
        )
    staff = " comment--staff" if comment.staff_author_id else ""
    return format_html(
        '<article class="comment{}" id="comment-{}" aria-labelledby="{}">'
        '<header class="comment__header">{}{}</header>'
        '<div class="comment__body" dir="auto"{}>{}</div>{}</article>',
        staff,
        pk,
        label_id,
        by,
        when,
        lang,
        linkify(comment.body),
        reply,
    )
