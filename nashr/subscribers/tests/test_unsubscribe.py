"""RFC 8058 one-click unsubscribe: POST works with no cookie or token; GET changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from nashr.subscribers import tokens
from nashr.subscribers.models import SubscriberStatus, SubscriptionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(make_series, make_subscribers):
    series = make_series()
    other = make_series(slug="nashrieh", title="نشریه", language="fa")
    (subscriber,) = make_subscribers(series, 1)
    subscriber.subscriptions.create(
        series=other,
        status="confirmed",
        consented_at=subscriber.consented_at,
        confirmed_at=subscriber.confirmed_at,
    )
    url = tokens.unsubscribe_url(
        subscriber_id=subscriber.pk, email=subscriber.email, series_id=series.pk, language="en"
    )
    return subscriber, series, url.removeprefix("http://127.0.0.1:8000")


def test_one_click_post_without_cookies(reader) -> None:
    """A bare POST (as mail clients send) leaves that list only, and sets no cookie."""
    subscriber, series, path = reader
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not response.cookies
    statuses = dict(subscriber.subscriptions.values_list("series__slug", "status"))
    assert statuses == {series.slug: SubscriptionStatus.UNSUBSCRIBED, "nashrieh": "confirmed"}
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_get_shows_a_button_and_does_not_unsubscribe(reader) -> None:
    """Mail scanners follow links: a GET shows a form and leaves the subscription alone."""
    subscriber, series, path = reader
    response = Client().get(path)
    assert response.status_code == 200
    assert f'<form method="post" action="{path}">'.encode() in response.content
    assert subscriber.subscriptions.get(series=series).status == SubscriptionStatus.CONFIRMED


def test_last_list_left_makes_the_address_unsubscribed(reader) -> None:
    """Leaving every list marks the subscriber unsubscribed."""
    subscriber, series, path = reader
    Client().post(path)
    other = subscriber.subscriptions.exclude(series=series).get().series
    other_url = tokens.unsubscribe_url(
        subscriber_id=subscriber.pk, email=subscriber.email, series_id=other.pk, language="fa"
    )
    Client().post(other_url.removeprefix("http://127.0.0.1:8000"))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_altered_token_is_refused(reader) -> None:
    """A token for another subscriber id, or with a changed signature, does nothing."""
    subscriber, series, path = reader
    forged = path.replace(f"/unsubscribe/{subscriber.pk}.", f"/unsubscribe/{subscriber.pk + 1}.")
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for bad in (forged, tampered):
        assert Client().post(bad).status_code == 404
    assert subscriber.subscriptions.get(series=series).status == SubscriptionStatus.CONFIRMED
