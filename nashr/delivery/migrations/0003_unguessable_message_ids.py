"""Give every delivery row a random Message-ID (see nashr/delivery/message.py).

The earlier ones, <nashr.{issue id}.{subscriber id}@domain>, could be guessed, so a bounce
report quoting one proved nothing; they are replaced on every row, sent ones included (a
report about a message sent before this change is then listed as unmatched). Going back
keeps the random ones: the earlier code sends and matches whatever the row holds.
"""

import secrets

from django.db import migrations

BATCH = 2000


def randomize(apps, schema_editor):
    Delivery = apps.get_model("delivery", "Delivery")
    rows = Delivery.objects.filter(message_id__startswith="<nashr.").only("pk", "message_id")
    while batch := list(rows[:BATCH]):
        for row in batch:
            domain = row.message_id.rpartition("@")[2]  # "domain>"
            row.message_id = f"<{secrets.token_hex(16)}@{domain}"
        Delivery.objects.bulk_update(batch, ["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_sending_send_permission"),
    ]

    operations = [
        migrations.RunPython(randomize, migrations.RunPython.noop, elidable=True),
    ]
