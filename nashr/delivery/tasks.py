"""Background sending (django-tasks): the same engine as `nashr bulletin send`."""

from __future__ import annotations

from django_tasks import task

from nashr.bulletins.models import Bulletin
from nashr.delivery.engine import DEFAULT_CONNECTIONS, delivery_send


@task()
def send_bulletin(bulletin_id: int, workers: int = DEFAULT_CONNECTIONS) -> dict[str, int]:
    """Send an issue; its progress is the deliveries' states, shown in the admin."""
    bulletin = Bulletin.objects.select_related("series").get(pk=bulletin_id)
    return delivery_send(bulletin=bulletin, workers=workers).as_dict()
