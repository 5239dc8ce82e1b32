"""PostgreSQL: the steps of several SMTP connections that come together share one commit."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from nashr.delivery.models import Delivery, DeliveryState
from nashr.delivery.retry import RetryPolicy
from nashr.delivery.sending_rows import PostgresSteps, SendingRows
from nashr.delivery.services import delivery_enqueue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="PostgreSQL's asynchronous steps (CI's PostgreSQL pass)",
    ),
]


def _xmin(delivery_id: int) -> int:
    """The transaction that wrote the row's current version."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM delivery_delivery WHERE id = %s", [delivery_id])
        return int(cursor.fetchone()[0])


def test_steps_asked_for_during_a_commit_share_the_next_one(
    published_bulletin, make_subscribers
) -> None:
    """Steps started while a commit is on its way go in one commit; each learns its own claim."""
    make_subscribers(published_bulletin.series, 4)
    delivery_enqueue(bulletin=published_bulletin)
    rows = SendingRows(bulletin_id=published_bulletin.pk, retry=RetryPolicy.from_settings())
    first, second, gone, fourth = (r.delivery_id for r in rows.connect().lease(0))
    Delivery.objects.filter(pk=gone).delete()  # its reader left after the lease
    steps = PostgresSteps(rows)
    try:
        alone = steps.step_start(None, first)
        together = [steps.step_start(None, claim) for claim in (second, gone, fourth)]
        assert [step.result() for step in (alone, *together)] == [True, True, False, True]
        assert _xmin(second) == _xmin(fourth) != _xmin(first)
        states = dict(Delivery.objects.values_list("pk", "state"))
        assert states == {pk: DeliveryState.SENDING for pk in (first, second, fourth)}

        finished = [steps.step_start(done, None) for done in (first, second, fourth)]
        assert [step.result() for step in finished] == [False, False, False]
    finally:
        steps.close()
    sent = Delivery.objects.filter(state=DeliveryState.SENT, claimed_by=None, sent_at__isnull=False)
    assert set(sent.values_list("pk", flat=True)) == {first, second, fourth}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
