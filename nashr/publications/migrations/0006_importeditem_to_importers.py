# ImportedItem moved to the importers app (nashr.importers 0001 takes over its table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0005_old_addresses'),
    ]

    operations = [
        # Out of this app's state only: the table and its rows stay for importers 0001.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ImportedItem')],
            database_operations=[],
        ),
    ]
