"""Subscribers' lists and sendings are recorded, and no reader's address reaches the trail."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from nashr.audit.models import AuditEntry
from nashr.audit.tests.conftest import ADDRESS, entry_text
from nashr.core.actors import COMMAND
from nashr.delivery.services import delivery_queue_send
from nashr.subscribers import services
from nashr.subscribers.models import Subscriber

SUBSCRIBERS = "/en/admin/subscribers/subscriber/"


def test_staff_adding_changing_and_deleting_a_reader_never_records_the_address(
    client, make_staff, make_series
) -> None:
    """Add, address change and delete name the reader by id, the address change as hidden."""
    series = make_series()
    editor = make_staff("editor")
    subscriber = services.subscriber_add(
        actor=editor, email="reader@example.org", language="en", series=[series], requested=True
    )
    services.subscriber_update(
        actor=editor,
        subscriber=subscriber,
        email="other.reader@example.org",
        language="en",
        status="confirmed",
    )
    client.force_login(make_staff("administrator"))
    response = client.post(
        f"{SUBSCRIBERS}{subscriber.pk}/delete/", {"post": "yes"}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    entries = list(AuditEntry.objects.filter(target_type="subscribers.subscriber"))
    assert [e.action for e in entries] == [
        "subscriber.add",
        "subscriber.update",
        "subscriber.delete",
    ]
    assert {e.target_label for e in entries} == {f"#{subscriber.pk}"}
    assert entries[1].changes == {"email": ["[hidden]", "[hidden]"]}
    assert entries[2].actor_name == "administrator"
    for entry in entries:
        assert "reader@example.org" not in entry_text(entry)


def test_a_reader_erasing_themself_is_not_recorded(make_series, make_subscribers) -> None:
    """A reader's own erasure (no actor) leaves no entry about them."""
    subscriber = make_subscribers(make_series(), 1)[0]
    before = AuditEntry.objects.count()
    services.subscriber_delete(subscriber=subscriber)
    assert AuditEntry.objects.count() == before


def test_import_and_export_record_counts_not_addresses(tmp_path, make_series) -> None:
    """An import records how many were added; an export how many rows left; no address."""
    series = make_series()
    path = tmp_path / "list.csv"
    path.write_text("email\nreader1@example.org\nreader2@example.org\n", encoding="utf-8")
    call_command(
        "subscribers",
        "import",
        str(path),
        "--series",
        series.slug,
        "--confirmed",
        stdout=io.StringIO(),
    )
    call_command("subscribers", "export", stdout=io.StringIO())
    imported = AuditEntry.objects.get(action="subscriber.import")
    assert imported.changes["created"] == 2
    assert (imported.target_type, imported.target_label) == ("bulletins.series", series.title)
    exported = AuditEntry.objects.get(action="subscriber.export")
    assert exported.changes == {"series": "", "rows": 2}
    for entry in (imported, exported):
        assert "@example.org" not in entry_text(entry)


def test_an_import_with_a_bad_line_records_nothing(make_series) -> None:
    """A refused import (one bad address) adds no one and records nothing."""
    series = make_series()
    before = AuditEntry.objects.count()
    with pytest.raises(Exception, match="not an email address"):
        services.subscribers_import(
            actor=COMMAND,
            text="reader@example.org\nnot-an-address\n",
            filename="list.csv",
            series=series,
            confirmed=True,
        )
    assert AuditEntry.objects.count() == before


def test_publishing_and_queueing_an_issue_are_recorded(published_bulletin) -> None:
    """Publishing an issue records its number; queueing its sending records the issue."""
    delivery_queue_send(actor=COMMAND, bulletin=published_bulletin)
    published = AuditEntry.objects.get(action="bulletin.publish")
    assert published.changes == {"number": 47}
    sent = AuditEntry.objects.get(action="bulletin.send")
    assert (sent.target_type, sent.target_id) == ("bulletins.bulletin", str(published_bulletin.pk))
