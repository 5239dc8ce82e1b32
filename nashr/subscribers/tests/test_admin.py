"""Adding a subscriber by hand in the admin: through a service, with its consent recorded."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from nashr.subscribers.models import Subscriber, SubscriberStatus, SubscriptionStatus

pytestmark = pytest.mark.django_db

ADD_URL = "/en/admin/subscribers/subscriber/add/"


def _form(**fields: object) -> dict[str, object]:
    """The add form as a browser posts it (an empty inline formset included)."""
    data: dict[str, object] = {
        "language": "en",
        "status": "pending",
        "subscriptions-TOTAL_FORMS": "0",
        "subscriptions-INITIAL_FORMS": "0",
        "subscriptions-MIN_NUM_FORMS": "0",
        "subscriptions-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


@pytest.fixture
def staff_client() -> Client:
    admin = User.objects.create_superuser("alice", "alice@example.org", "a long password 1")
    client = Client()
    client.force_login(admin)
    return client


def test_add_form_saves_a_subscriber(staff_client, make_series) -> None:
    """Posting the add form creates the subscriber instead of answering 500."""
    series = make_series()
    response = staff_client.post(ADD_URL, _form(email="New.Reader@Example.org", lists=[series.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    subscriber = Subscriber.objects.get(email="new.reader@example.org")
    assert subscriber.consented_at is not None
