"""The uploads each existing issue's editorial and item texts show or link, in `MediaUse`."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from nashr.core.content import media_references


def record_uses(apps: Any, schema_editor: Any) -> None:
    Bulletin = apps.get_model("bulletins", "Bulletin")
    BulletinItem = apps.get_model("bulletins", "BulletinItem")
    MediaUse = apps.get_model("media", "MediaUse")
    uses: dict[int, set[int]] = {}
    for pk, body in Bulletin.objects.filter(editorial_body__contains="media:").values_list(
        "pk", "editorial_body"
    ):
        uses.setdefault(pk, set()).update(media_references(body))
    for pk, text in BulletinItem.objects.filter(text__contains="media:").values_list(
        "bulletin_id", "text"
    ):
        uses.setdefault(pk, set()).update(media_references(text))
    MediaUse.objects.bulk_create(
        [
            MediaUse(owner="bulletins.bulletin", owner_id=pk, media_id=media_id)
            for pk, ids in sorted(uses.items())
            for media_id in sorted(ids)
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0004_schedule"),
        ("media", "0002_media_use"),
    ]

    operations = [migrations.RunPython(record_uses, migrations.RunPython.noop)]
