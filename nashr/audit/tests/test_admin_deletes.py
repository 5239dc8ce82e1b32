"""Deletes made on the admin's pages are recorded, with what went with them by cascade."""

from __future__ import annotations

from typing import Any

import pytest

from nashr.audit.models import AuditEntry
from nashr.comments.models import CommentBlock, CommentPattern, CommentPolicy
from nashr.comments.services import comment_policy_set
from nashr.core.actors import COMMAND
from nashr.publications.models import Kind, Signatory
from nashr.publications.services import kind_create, signatory_create
from nashr.subscribers.models import Subscription

ADMIN = "/en/admin"


@pytest.fixture
def boss(client, make_staff) -> Any:
    """An administrator, logged in to the admin."""
    user = make_staff("administrator", username="boss")
    client.force_login(user)
    return user


def _delete(client, app_model: str, pk: int) -> None:
    response = client.post(f"{ADMIN}/{app_model}/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]


def _bulk_delete(client, app_model: str, pks: list[int]) -> None:
    response = client.post(
        f"{ADMIN}/{app_model}/",
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_series_deleted_records_the_subscriptions_it_took(
    client, boss, make_series, make_subscribers
) -> None:
    """Deleting a series with three subscriptions records who, which series and the three."""
    series = make_series()
    make_subscribers(series, 3)
    _delete(client, "bulletins/series", series.pk)
    assert not Subscription.objects.exists()
    entry = AuditEntry.objects.get(action="series.delete")
    assert (entry.actor_user_id, entry.actor_name) == (boss.pk, "boss")
    assert (entry.target_type, entry.target_id) == ("bulletins.series", str(series.pk))
    assert entry.target_label == "Iran Bulletin"
    assert entry.changes == {"deleted_with_it": {"subscribers.subscription": 3}}


def test_a_kind_deleted_is_recorded(client, boss, kinds) -> None:
    """Deleting a kind on its delete page records it."""
    kind = kind_create(actor=COMMAND, slug="appeal", names={"fa": "فراخوان", "en": "Appeal"})
    _delete(client, "publications/kind", kind.pk)
    assert not Kind.objects.filter(pk=kind.pk).exists()
    entry = AuditEntry.objects.get(action="kind.delete")
    assert (entry.actor_name, entry.target_id, entry.changes) == ("boss", str(kind.pk), {})


def test_signatories_deleted_together_are_recorded_each(client, boss, db) -> None:
    """The list's bulk delete records one entry for each signatory it deleted."""
    first = signatory_create(actor=COMMAND, slug="council", names={"fa": "شورا", "en": "Council"})
    second = signatory_create(actor=COMMAND, slug="board", names={"fa": "هیئت", "en": "Board"})
    _bulk_delete(client, "publications/signatory", [first.pk, second.pk])
    assert not Signatory.objects.exists()
    entries = AuditEntry.objects.filter(action="signatory.delete")
    assert sorted(entries.values_list("target_id", flat=True)) == sorted(
        [str(first.pk), str(second.pk)]
    )
    assert set(entries.values_list("actor_name", flat=True)) == {"boss"}


def test_comment_blocks_patterns_and_policies_deleted_are_recorded(
    client, boss, make_publication
) -> None:
    """A comment block, a pattern and a publication's comment settings deleted are recorded."""
    block = CommentBlock.objects.create(email_hash="e" * 64, note="sent threats")
    pattern = CommentPattern.objects.create(pattern="casino")
    policy = comment_policy_set(actor=COMMAND, publication=make_publication(), closed=True)
    _delete(client, "comments/commentblock", block.pk)
    _bulk_delete(client, "comments/commentpattern", [pattern.pk])
    _delete(client, "comments/commentpolicy", policy.pk)
    assert not CommentBlock.objects.exists() and not CommentPattern.objects.exists()
    assert not CommentPolicy.objects.exists()
    recorded = {
        entry.action: (entry.target_id, entry.target_label, entry.actor_name)
        for entry in AuditEntry.objects.filter(action__endswith=".delete")
    }
    assert recorded == {
        "comment_block.delete": (str(block.pk), "sent threats", "boss"),
        "comment_pattern.delete": (str(pattern.pk), "casino", "boss"),
        "comment_policy.delete": (str(policy.pk), str(policy.publication), "boss"),
    }


def test_a_delete_through_a_service_is_recorded_once(client, boss, make_publication) -> None:
    """A publication deleted in the admin is recorded by its service, not a second time."""
    publication = make_publication(status="draft")
    _delete(client, "publications/publication", publication.pk)
    deletes = AuditEntry.objects.filter(target_type="publications.publication")
    assert list(deletes.filter(action__endswith=".delete").values_list("action", flat=True)) == [
        "publication.delete"
    ]


def test_a_bulk_delete_the_service_refuses_records_nothing(
    client, boss, published_bulletin
) -> None:
    """A published issue the bulk delete leaves in place has no delete entry."""
    client.post(
        f"{ADMIN}/bulletins/bulletin/",
        {"action": "delete_selected", "_selected_action": [published_bulletin.pk], "post": "yes"},
    )
    assert type(published_bulletin).objects.filter(pk=published_bulletin.pk).exists()
    assert not AuditEntry.objects.filter(action__endswith=".delete").exists()


def test_series_deleted_together_record_each_ones_subscriptions(
    client, boss, make_series, make_subscribers
) -> None:
    """The list's bulk delete of two series records each with its own subscriptions."""
    english, persian = make_series(), make_series(slug="khabarnameh", language="fa")
    make_subscribers(english, 2)
    make_subscribers(persian, 1, prefix="khanandeh")
    _bulk_delete(client, "bulletins/series", [english.pk, persian.pk])
    recorded = {
        entry.target_id: entry.changes
        for entry in AuditEntry.objects.filter(action="series.delete")
    }
    assert recorded == {
        str(english.pk): {"deleted_with_it": {"subscribers.subscription": 2}},
        str(persian.pk): {"deleted_with_it": {"subscribers.subscription": 1}},
    }
