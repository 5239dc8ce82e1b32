"""`nashr subscribers import/export`: line-numbered errors, all-or-nothing, merged duplicates."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from nashr.subscribers.models import Subscriber, SubscriberStatus, SubscriptionStatus


@pytest.mark.django_db
def test_bad_lines_are_reported_and_nothing_is_saved(tmp_path, make_series) -> None:
    """Every invalid address is named with its line; not one address is imported."""
    make_series()
    path = tmp_path / "list.csv"
    path.write_text("email,language\na@example.org,en\nnot-an-email,en\nb@example.org,xx\n")
    with pytest.raises(CommandError) as failure:
        call_command("subscribers", "import", str(path), "--series", "iran-bulletin")
    message = str(failure.value)
    assert f"{path}, line 3" in message and "not-an-email" in message
    assert f"{path}, line 4" in message and "unknown language" in message
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_confirmed_import_merges_duplicates(tmp_path, make_series) -> None:
    """Duplicates (in any case) become one confirmed subscriber on the list."""
    series = make_series()
    path = tmp_path / "list.csv"
    path.write_text("a@example.org\nA@Example.org\nb@example.org\n")
    out = io.StringIO()
    call_command(
        "subscribers", "import", str(path), "--series", series.slug, "--confirmed", stdout=out
    )
    assert "duplicates merged: 1" in out.getvalue()
    assert sorted(Subscriber.objects.values_list("email", "status")) == [
        ("a@example.org", SubscriberStatus.CONFIRMED),
        ("b@example.org", SubscriberStatus.CONFIRMED),
    ]
    assert Subscriber.objects.get(email="a@example.org").subscriptions.get().status == "confirmed"


@pytest.mark.django_db
def test_import_never_resubscribes_who_left(tmp_path, make_series, make_subscribers) -> None:
    """An address that unsubscribed stays unsubscribed when a list is imported again."""
    series = make_series()
    (gone,) = make_subscribers(series, 1)
    gone.status = SubscriberStatus.UNSUBSCRIBED
    gone.save()
    gone.subscriptions.update(status=SubscriptionStatus.UNSUBSCRIBED)
    path = tmp_path / "list.csv"
    path.write_text(f"{gone.email}\n")
    out = io.StringIO()
    call_command(
        "subscribers", "import", str(path), "--series", series.slug, "--confirmed", stdout=out
    )
    gone.refresh_from_db()
    assert gone.status == SubscriberStatus.UNSUBSCRIBED
    assert "left alone" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_unconfirmed_import_mails_confirmation_links(tmp_path, smtp_sink, make_series) -> None:
    """Without --confirmed the addresses are pending and each gets a confirmation link."""
    series = make_series()
    path = tmp_path / "list.csv"
    path.write_text("email,language\nc@example.org,fa\nd@example.org,\n")
    call_command("subscribers", "import", str(path), "--series", series.slug, stdout=io.StringIO())
    assert Subscriber.objects.get(email="c@example.org").language == "fa"
    assert Subscriber.objects.get(email="d@example.org").language == "en"
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"pending"}
    assert len(smtp_sink.to("c@example.org")) == 1 and len(smtp_sink.to("d@example.org")) == 1


@pytest.mark.django_db
def test_export_lists_subscriptions(make_series, make_subscribers) -> None:
    """Export writes one CSV row per subscription, readable by the import."""
    series = make_series()
    make_subscribers(series, 2)
    out = io.StringIO()
    call_command("subscribers", "export", "--series", series.slug, stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(row["email"], row["series"], row["list_status"]) for row in rows] == [
        ("reader0@example.org", series.slug, "confirmed"),
        ("reader1@example.org", series.slug, "confirmed"),
    ]
