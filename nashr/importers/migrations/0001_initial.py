# ImportedItem, moved here from publications with its rows: the table is taken over and
# renamed, and its content type (with the permissions and admin history hanging on it)
# follows it.

import django.db.models.deletion
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label='importers', model='importeditem').exists():
        return
    ContentType.objects.using(db).filter(app_label='publications', model='importeditem').update(
        app_label='importers'
    )


def content_type_goes_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label='publications', model='importeditem').exists():
        return
    ContentType.objects.using(db).filter(app_label='importers', model='importeditem').update(
        app_label='publications'
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('publications', '0006_importeditem_to_importers'),
    ]

    operations = [
        # Into this app's state on the table publications 0005 made…
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportedItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(max_length=32, verbose_name='imported from')),
                        ('source_id', models.CharField(max_length=200, verbose_name='id in the old system')),
                        ('publication', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imported_items', to='publications.publication', verbose_name='publication')),
                    ],
                    options={
                        'verbose_name': 'imported item',
                        'verbose_name_plural': 'imported items',
                        'constraints': [models.UniqueConstraint(fields=('source', 'source_id'), name='imported_item_once')],
                        'db_table': 'publications_importeditem',
                    },
                ),
            ],
            database_operations=[],
        ),
        # …which then takes this app's name, its rows with it.
        migrations.AlterModelTable(name='importeditem', table=None),
        migrations.RunPython(content_type_follows, content_type_goes_back),
    ]
