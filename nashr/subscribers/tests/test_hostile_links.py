"""Links a stranger crafts: every signed-link page answers 404 and keeps nothing in a cache."""

from __future__ import annotations

import pytest
from django.test import Client

from nashr.subscribers import tokens

pytestmark = pytest.mark.django_db

# "²" and "۱" pass str.isdigit(); int() refuses the first and reads the second as 1.
HOSTILE = (
    "%C2%B2.1:abc",
    "%DB%B1.1:abc",
    "99999999999999999999.1:abc",
    "9" * 5000 + ".1:abc",
    "-1.1:abc",
    "1.",
    ".",
    "abc",
    "1.1:" + "A" * 43,
    "%00",
)
PAGES = (
    ("get", "confirm/{}/"),
    ("post", "confirm/{}/"),
    ("get", "unsubscribe/{}/"),
    ("post", "unsubscribe/{}/"),
    ("get", "data/{}/"),
    ("get", "data/{}/download/"),
    ("post", "data/{}/delete/"),
)


@pytest.mark.parametrize("method, page", PAGES)
@pytest.mark.parametrize("token", HOSTILE)
def test_hostile_tokens_answer_404(make_series, make_subscribers, method, page, token) -> None:
    """A crafted token on any signed-link page is "not found", never a server error."""
    make_subscribers(make_series(), 1)
    client = Client(raise_request_exception=False)
    response = getattr(client, method)("/en/subscribe/" + page.format(token))
    assert response.status_code == 404


@pytest.mark.parametrize("token", ["\u00b2.1:abc", "9" * 5000 + ".1:abc"])
def test_read_token_refuses_what_int_cannot_read(db, token) -> None:
    """read_token raises InvalidToken, and nothing else, for a superscript or a 5000-digit id."""
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(purpose=tokens.DATA, token=token)


def test_personal_pages_are_not_cached(make_series, make_subscribers) -> None:
    """The data page, its download and the unsubscribe page say no-store and private."""
    series = make_series()
    (subscriber,) = make_subscribers(series, 1)
    data = tokens.data_url(subscriber_id=subscriber.pk, email=subscriber.email, language="en")
    unsubscribe = tokens.unsubscribe_url(
        subscriber_id=subscriber.pk, email=subscriber.email, series_id=series.pk, language="en"
    )
    for url in (data, data + "download/", unsubscribe):
        response = Client().get(url.removeprefix("http://127.0.0.1:8000"))
        assert response.status_code == 200
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, url
