"""Sending from the admin: a background task, its progress on the sendings page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from nashr.delivery.models import Delivery

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
    assert '<progress value="4" max="4"></progress> 4 / 4' in page
