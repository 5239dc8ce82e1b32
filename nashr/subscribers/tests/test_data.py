"""A subscriber can see, download and delete what is stored about them."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from nashr.subscribers import tokens
from nashr.subscribers.models import Subscriber

pytestmark = pytest.mark.django_db


def _path(subscriber) -> str:
    url = tokens.data_url(subscriber_id=subscriber.pk, email=subscriber.email, language="en")
    return url.removeprefix("http://127.0.0.1:8000")


def test_download_holds_what_is_stored(make_series, make_subscribers) -> None:
    """The JSON download lists the address, its lists and dates, and no IP address."""
    series = make_series()
    (subscriber,) = make_subscribers(series, 1)
    page = Client().get(_path(subscriber))
    assert page.status_code == 200 and subscriber.email.encode() in page.content
    response = Client().get(_path(subscriber) + "download/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["email"] == subscriber.email
    assert [item["series"] for item in data["lists"]] == [series.slug]
    assert set(data) == {
        "email",
        "language",
        "status",
        "consented_at",
        "consent_basis",
        "confirmed_at",
        "hard_bounces",
        "lists",
        "mail_confirmations",
        "deliveries",
    }


def test_delete_erases_everything(make_series, make_subscribers) -> None:
    """POST to the delete address removes the subscriber; the link then no longer works."""
    series = make_series()
    (subscriber,) = make_subscribers(series, 1)
    path = _path(subscriber)
    assert Client().get(path + "delete/").status_code == 405
    assert Client(enforce_csrf_checks=True).post(path + "delete/").status_code == 200
    assert not Subscriber.objects.filter(email=subscriber.email).exists()
    assert Client().get(path).status_code == 404


def test_data_link_of_another_address_does_not_work(make_series, make_subscribers) -> None:
    """A token is bound to its address: recreated with the same id, the old link fails."""
    series = make_series()
    (subscriber,) = make_subscribers(series, 1)
    path = _path(subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(email="someone-else@example.org")
    assert Client().get(path).status_code == 404
