"""Signed links for confirming, unsubscribing and seeing or deleting one's data.

A token carries the subscriber's id (never the address, which would end up in logs) and is
signed with a salt that includes the address, so a token stops working when its subscriber
is deleted, even if the database later reuses the id.

This module is the only one that signs and reads tokens. Links that do not expire
(unsubscribe, data) are signed by a fast path, `signature()`: it computes exactly what
`django.core.signing.Signer(salt=...).sign()` appends, with one-shot hashlib/hmac calls,
because a sender makes two for every recipient of every issue. The views read every token
with Django's signers, so a token signed either way (and SECRET_KEY_FALLBACKS) is accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import override

from nashr.subscribers.models import Subscriber

CONFIRM = "nashr.subscribers.confirm"
UNSUBSCRIBE = "nashr.subscribers.unsubscribe"
DATA = "nashr.subscribers.data"


class InvalidToken(Exception):
    """The link was altered, belongs to a deleted subscriber, or was never issued."""


class ExpiredToken(InvalidToken):
    """The link was genuine but is too old (confirmation links expire)."""


@dataclass(frozen=True)
class TokenData:
    subscriber: Subscriber
    series_ids: tuple[int, ...]


def _value(subscriber_id: int, series_ids: tuple[int, ...]) -> str:
    return f"{subscriber_id}.{'-'.join(str(pk) for pk in series_ids)}"


def signature(*, purpose: str, email: str, value: str, secret: bytes) -> str:
    """What `Signer(salt=f"{purpose}:{email}").sign(value)` puts after its ':'.

    Signer.signature() is salted_hmac(salt + "signer", value, SECRET_KEY) with SHA-256,
    base64url without padding; `secret` is SECRET_KEY as bytes.
    """
    key = hashlib.sha256(f"{purpose}:{email}signer".encode() + secret).digest()
    mac = hmac.digest(key, value.encode(), "sha256")
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def make_token(
    *, purpose: str, subscriber_id: int, email: str, series_ids: tuple[int, ...] = ()
) -> str:
    value = _value(subscriber_id, series_ids)
    if purpose == CONFIRM:
        return signing.TimestampSigner(salt=f"{purpose}:{email}").sign(value)
    secret = settings.SECRET_KEY.encode()
    return f"{value}:{signature(purpose=purpose, email=email, value=value, secret=secret)}"


# An id has at most the 19 digits of a signed 64-bit integer; int() refuses a number of
# more than 4300 digits with ValueError, so a longer run is refused before it is read.
_ID_DIGITS = 19


def _id(text: str) -> int | None:
    """The id written in `text` in ASCII digits, or None.

    str.isdigit() also holds for "²" and "۱", which int() refuses or reads as another
    number, and a link from a stranger may hold any of them.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > _ID_DIGITS:
        return None
    return int(text)


def read_token(*, purpose: str, token: str) -> TokenData:
    """The subscriber and lists a token names; else InvalidToken (ExpiredToken), whatever
    the token holds."""
    head, _sep, rest = token.partition(".")
    subscriber_id = _id(head)
    if subscriber_id is None or not rest:
        raise InvalidToken(token)
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        raise InvalidToken(token)
    try:
        if purpose == CONFIRM:
            value = signing.TimestampSigner(salt=f"{purpose}:{subscriber.email}").unsign(
                token, max_age=settings.NASHR_CONFIRM_MAX_AGE
            )
        else:
            value = signing.Signer(salt=f"{purpose}:{subscriber.email}").unsign(token)
    except signing.SignatureExpired as exc:
        raise ExpiredToken(token) from exc
    except signing.BadSignature as exc:
        raise InvalidToken(token) from exc
    series_part = value.partition(".")[2]
    series_ids = tuple(pk for pk in map(_id, series_part.split("-")) if pk is not None)
    return TokenData(subscriber=subscriber, series_ids=series_ids)


def absolute_url(*, view: str, token: str, language: str) -> str:
    """The public address of a token's page in `language`, for mail where no request is."""
    with override(language):
        path = reverse(view, kwargs={"token": token})
    return f"{settings.NASHR_SITE_URL}{path}"


class LinkMaker:
    """Signed links of one purpose to one page, for many subscribers in a row.

    The address around the token is computed once; each link then costs one signature.
    Only for purposes whose tokens do not expire (not CONFIRM).
    """

    def __init__(self, *, view: str, purpose: str, language: str) -> None:
        if purpose == CONFIRM:
            raise ValueError("confirmation links carry a timestamp: use confirm_url()")
        marker = "TOKEN"
        url = absolute_url(view=view, token=marker, language=language)
        self.head, _sep, self.tail = url.partition(marker)
        self.purpose = purpose
        self.secret = settings.SECRET_KEY.encode()

    def token(self, *, subscriber_id: int, email: str, series_ids: tuple[int, ...] = ()) -> str:
        """The token alone (the mail commands' `unsubscribe TOKEN` carries it)."""
        value = _value(subscriber_id, series_ids)
        mac = signature(purpose=self.purpose, email=email, value=value, secret=self.secret)
        return f"{value}:{mac}"

    def url(self, *, subscriber_id: int, email: str, series_ids: tuple[int, ...] = ()) -> str:
        token = self.token(subscriber_id=subscriber_id, email=email, series_ids=series_ids)
        return f"{self.head}{token}{self.tail}"


def mail_token_new() -> tuple[str, str]:
    """A one-time token for a confirmation by mail, and the SHA-256 digest that is stored.

    128 random bits: unlike the signed links, it is single-use, so it lives in the
    database (nashr.subscribers.models.MailToken), where only its digest is kept.
    """
    token = secrets.token_urlsafe(16)
    return token, mail_token_digest(token)


def mail_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def confirm_url(*, subscriber: Subscriber, series_ids: tuple[int, ...], language: str) -> str:
    token = make_token(
        purpose=CONFIRM, subscriber_id=subscriber.pk, email=subscriber.email, series_ids=series_ids
    )
    return absolute_url(view="subscribers:confirm", token=token, language=language)


def unsubscribe_url(*, subscriber_id: int, email: str, series_id: int, language: str) -> str:
    token = make_token(
        purpose=UNSUBSCRIBE, subscriber_id=subscriber_id, email=email, series_ids=(series_id,)
    )
    return absolute_url(view="subscribers:unsubscribe", token=token, language=language)


def data_url(*, subscriber_id: int, email: str, language: str) -> str:
    token = make_token(purpose=DATA, subscriber_id=subscriber_id, email=email)
    return absolute_url(view="subscribers:data", token=token, language=language)
