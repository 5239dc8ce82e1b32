"""The site of the round-trip test, added to `nashr demo`'s content (run as a script).

1,000 confirmed subscribers of a series, its published issue queued for all of them with
some deliveries sent, failed and bounced, a staff editor with TOTP and backup codes, and
media files (one with a Persian name).
"""

from __future__ import annotations

import os
from pathlib import Path

SUBSCRIBERS = 1000


def populate() -> None:
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from nashr.accounts.roles import EDITOR
    from nashr.accounts.services import totp_enrol
    from nashr.bulletins.models import Bulletin, BulletinStatus
    from nashr.core.actors import COMMAND
    from nashr.delivery.models import Delivery, DeliveryState
    from nashr.delivery.services import delivery_enqueue
    from nashr.subscribers.services import subscribers_import

    bulletin = Bulletin.objects.filter(status=BulletinStatus.PUBLISHED).order_by("pk").first()
    assert bulletin is not None, "nashr demo publishes issues"
    text = "\n".join(f"reader{number}@example.org" for number in range(SUBSCRIBERS))
    subscribers_import(
        actor=COMMAND, text=text, filename="readers.csv", series=bulletin.series, confirmed=True
    )
    delivery_enqueue(bulletin=bulletin)
    ids = list(Delivery.objects.filter(bulletin=bulletin).values_list("pk", flat=True))
    now = timezone.now()
    Delivery.objects.filter(pk__in=ids[:300]).update(
        state=DeliveryState.SENT, attempts=1, sent_at=now
    )
    Delivery.objects.filter(pk__in=ids[300:310]).update(
        state=DeliveryState.FAILED, attempts=6, last_error="550 5.1.1 no such user"
    )
    Delivery.objects.filter(pk__in=ids[310:315]).update(state=DeliveryState.BOUNCED, attempts=1)
    editor = User.objects.create_user(
        "editor", password="a long passphrase 42", is_staff=True, email="editor@example.org"
    )
    editor.groups.add(Group.objects.get(name=EDITOR))
    totp_enrol(actor=COMMAND, user=editor, backup_codes=3)
    media = Path(settings.MEDIA_ROOT)
    (media / "uploads" / "2025").mkdir(parents=True, exist_ok=True)
    (media / "uploads" / "2025" / "photo.jpg").write_bytes(os.urandom(300_000))
    (media / "uploads" / "گزارش سالانه.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(1000))


if __name__ == "__main__":
    import django

    django.setup()
    populate()
