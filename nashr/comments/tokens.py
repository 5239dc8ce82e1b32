"""Signed links mailed to a commenter: confirm the address, see or delete their comments.

The confirmation link names the comment (its id) and is signed with a salt holding the
address, so it stops working when the address is forgotten; it expires. The data link
carries the address' keyed hash, never the address (links end up in logs), and works
as long as comments with that hash exist.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import override

from nashr.comments.models import Comment
from nashr.comments.privacy import email_hash

CONFIRM = "nashr.comments.confirm"
DATA = "nashr.comments.data"
# A week to follow the confirmation link, as for subscriptions.
CONFIRM_MAX_AGE = 7 * 24 * 3600


class InvalidToken(Exception):
    """The link was altered, is too old, or its comment or address is gone."""


def confirm_token(comment: Comment) -> str:
    return signing.TimestampSigner(salt=f"{CONFIRM}:{comment.email}").sign(str(comment.pk))


def comment_for_confirm_token(token: str) -> Comment:
    value = token.rpartition(":")[0].rpartition(":")[0]
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        raise InvalidToken(token)
    comment = Comment.objects.filter(pk=int(value)).exclude(email="").first()
    if comment is None:
        raise InvalidToken(token)
    try:
        signing.TimestampSigner(salt=f"{CONFIRM}:{comment.email}").unsign(
            token, max_age=CONFIRM_MAX_AGE
        )
    except signing.BadSignature as exc:
        raise InvalidToken(token) from exc
    return comment


def data_token(email: str) -> str:
    return signing.Signer(salt=DATA).sign(email_hash(email))


def email_hash_for_data_token(token: str) -> str:
    try:
        return signing.Signer(salt=DATA).unsign(token)
    except signing.BadSignature as exc:
        raise InvalidToken(token) from exc


def _absolute(language: str, name: str, **kwargs: object) -> str:
    with override(language):
        return settings.NASHR_SITE_URL + reverse(name, kwargs=kwargs)


def confirm_url(*, comment: Comment, language: str) -> str:
    return _absolute(language, "comments:confirm", token=confirm_token(comment))


def data_url(*, email: str, language: str) -> str:
    return _absolute(language, "comments:mine", token=data_token(email))
