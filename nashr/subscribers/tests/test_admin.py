"""Adding a subscriber by hand in the admin: through a service, with its consent recorded."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from nashr.core.actors import COMMAND
from nashr.core.exceptions import PermissionDenied, ValidationError
from nashr.subscribers import services
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
def editor_client(make_staff) -> Client:
    client = Client()
    client.force_login(make_staff("editor", username="alice"))
    return client


@pytest.mark.parametrize("admin_language", ["en", "fa"])
def test_add_form_saves_a_subscriber(editor_client, make_series, admin_language) -> None:
    """Posting the add form, in either admin language, creates the subscriber (no 500)."""
    series = make_series()
    response = editor_client.post(
        ADD_URL.replace("/en/", f"/{admin_language}/"),
        _form(email="New.Reader@Example.org", lists=[series.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    subscriber = Subscriber.objects.get(email="new.reader@example.org")
    assert subscriber.consented_at is not None


def test_unrequested_addition_waits_for_confirmation(
    editor_client, make_series, django_capture_on_commit_callbacks
) -> None:
    """Without "asked to be added", the lists stay pending and a confirmation link is mailed."""
    series = make_series()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(ADD_URL, _form(email="reader@example.org", lists=[series.pk]))
    subscriber = Subscriber.objects.get(email="reader@example.org")
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.subscriptions.get().status == SubscriptionStatus.PENDING
    assert subscriber.consent_basis == ("added by staff member alice, confirmation link mailed")
    (confirmation,) = mail.outbox
    assert confirmation.to == ["reader@example.org"]
    assert "/subscribe/confirm/" in confirmation.body


def test_requested_addition_is_confirmed_and_names_the_staff_member(
    editor_client, make_series
) -> None:
    """ "The person asked to be added" confirms the lists at once, recorded as such, no mail."""
    series = make_series()
    other = make_series(slug="nashrieh", title="نشریه", language="fa")
    response = editor_client.post(
        ADD_URL,
        _form(
            email="reader@example.org", language="fa", lists=[series.pk, other.pk], requested="on"
        ),
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(email="reader@example.org")
    assert (subscriber.status, subscriber.language) == (SubscriberStatus.CONFIRMED, "fa")
    assert subscriber.confirmed_at == subscriber.consented_at
    assert subscriber.consent_basis == "added by staff member alice, at the person's request"
    statuses = set(subscriber.subscriptions.values_list("series__slug", "status"))
    assert statuses == {("iran-bulletin", "confirmed"), ("nashrieh", "confirmed")}
    assert mail.outbox == []


def test_add_form_explains_the_consent_it_records(editor_client, make_series) -> None:
    """The add form says that the staff member is recorded and what ticking the box does."""
    make_series()
    page = editor_client.get(ADD_URL).content.decode()
    assert "recorded as the basis of this" in page
    assert "mailed a confirmation link" in page


def test_invalid_and_duplicate_addresses_show_on_the_form(editor_client, make_series) -> None:
    """A bad or already known address is an error on the form, not a server error."""
    series = make_series()
    services.subscriber_add(
        actor=COMMAND, email="known@example.org", language="en", series=[series], requested=True
    )
    bad = editor_client.post(ADD_URL, _form(email="not an address", lists=[series.pk]))
    assert bad.status_code == 200
    assert bad.context["adminform"].form.errors["email"]
    twice = editor_client.post(ADD_URL, _form(email="Known@Example.org ", lists=[series.pk]))
    assert twice.status_code == 200
    assert "known@example.org is already a subscriber" in twice.content.decode()
    assert Subscriber.objects.count() == 1


def test_a_role_without_the_permission_is_refused(make_staff, make_series) -> None:
    """subscriber_add refuses an actor whose role may not add subscribers."""
    series = make_series()
    with pytest.raises(PermissionDenied, match="may not add subscribers"):
        services.subscriber_add(
            actor=make_staff("author"),
            email="reader@example.org",
            language="en",
            series=[series],
            requested=True,
        )
    with pytest.raises(ValidationError, match="choose at least one bulletin"):
        services.subscriber_add(
            actor=COMMAND, email="reader@example.org", language="en", series=[], requested=True
        )
    assert not Subscriber.objects.exists()
