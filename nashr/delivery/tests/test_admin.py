"""Sending from the admin: a background task, its progress on the sendings page, refusals."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from nashr.bulletins.services import bulletin_draft
from nashr.core.actors import COMMAND
from nashr.core.exceptions import PermissionDenied, StateError
from nashr.delivery.models import Delivery
from nashr.delivery.services import delivery_enqueue, delivery_queue_send

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_action_queues_the_task_and_shows_progress(
    smtp_sink, published_bulletin, make_subscribers
) -> None:
    """The action enqueues the django-tasks task; the list then shows the deliveries' counts."""
    readers = make_subscribers(published_bulletin.series, 4)
    admin = User.objects.create_superuser("editor", "editor@example.org", "a long password 1")
    client = Client()
    client.force_login(admin)
    url = "/en/admin/delivery/sending/"
    response = client.post(
        url,
        {"action": "queue_sending", "_selected_action": [published_bulletin.pk]},
        follow=True,
    )
    assert response.status_code == 200
    # The test settings run tasks at once (ImmediateBackend); production uses django_tasks_db.
    assert Delivery.objects.filter(state="sent").count() == 4
    assert all(len(smtp_sink.to(r.email)) == 1 for r in readers)
    page = client.get(url).content.decode()
    progress = r'<progress value="4" max="4"></progress> <a href="[^"]+/progress/">4 / 4</a>'
    assert re.search(progress, page)


def test_a_role_without_the_send_permission_is_refused(published_bulletin, make_staff) -> None:
    """An author may not queue a sending; nothing is queued or sent."""
    with pytest.raises(PermissionDenied, match="may not send bulletins to subscribers"):
        delivery_queue_send(actor=make_staff("author"), bulletin=published_bulletin)
    assert not Delivery.objects.exists()


def test_a_draft_is_not_queued(make_series, publish_issue) -> None:
    """Only a published issue can be queued for sending."""
    draft = bulletin_draft(actor=COMMAND, series=make_series(), year=2023, month=12)
    with translation.override("en"), pytest.raises(StateError, match="is not published"):
        delivery_queue_send(actor=COMMAND, bulletin=draft)


def test_a_second_queue_while_one_waits_is_refused(
    settings, published_bulletin, make_staff
) -> None:
    """While the sending task waits for a worker, queueing it again is refused in the admin."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()
    client.force_login(make_staff("editor"))
    url = "/en/admin/delivery/sending/"
    form = {"action": "queue_sending", "_selected_action": [published_bulletin.pk]}
    first = client.post(url, form, follow=True).content.decode()
    assert "Sending of 1 issue queued" in first
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    second = client.post(url, form, follow=True).content.decode()
    assert f"{published_bulletin} is already being sent." in second
    assert DBTaskResult.objects.count() == 1
    with pytest.raises(StateError, match="already being sent"):
        delivery_queue_send(actor=COMMAND, bulletin=published_bulletin)


def test_marking_a_subscriber_unsubscribed_drops_their_queued_messages(
    published_bulletin, make_subscribers, make_staff
) -> None:
    """The subscriber change form saves through the service: a reader marked unsubscribed is
    not sent what was queued for them; the others still are."""
    leaving, staying = make_subscribers(published_bulletin.series, 2)
    assert delivery_enqueue(bulletin=published_bulletin) == 2
    client = Client()
    client.force_login(make_staff("editor"))
    response = client.post(
        f"/en/admin/subscribers/subscriber/{leaving.pk}/change/",
        {
            "email": leaving.email,
            "language": "en",
            "status": "unsubscribed",
            "subscriptions-TOTAL_FORMS": "1",
            "subscriptions-INITIAL_FORMS": "1",
            "subscriptions-MIN_NUM_FORMS": "0",
            "subscriptions-MAX_NUM_FORMS": "1000",
            "subscriptions-0-id": leaving.subscriptions.get().pk,
            "subscriptions-0-subscriber": leaving.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    leaving.refresh_from_db()
    assert leaving.status == "unsubscribed"
    assert list(Delivery.objects.values_list("subscriber_id", flat=True)) == [staying.pk]
