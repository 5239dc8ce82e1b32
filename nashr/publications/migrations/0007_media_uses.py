"""The uploads each existing publication shows or links, written into `MediaUse`."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from nashr.core.content import media_references


def record_uses(apps: Any, schema_editor: Any) -> None:
    Publication = apps.get_model("publications", "Publication")
    MediaUse = apps.get_model("media", "MediaUse")
    rows = [
        MediaUse(owner="publications.publication", owner_id=pk, media_id=media_id)
        for pk, body in Publication.objects.filter(body__contains="media:").values_list(
            "pk", "body"
        )
        for media_id in sorted(media_references(body))
    ]
    MediaUse.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0006_importeditem_to_importers"),
        ("media", "0002_media_use"),
    ]

    operations = [migrations.RunPython(record_uses, migrations.RunPython.noop)]
