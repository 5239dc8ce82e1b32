"""Where every eighth term's word starts in a publication's text (`SearchEntry.starts`), so
that a snippet starts reading near its first match (see highlight.snippet).

Added with ALTER TABLE on both databases: on SQLite, Django's AddField makes the table
anew, and dropping the old one would drop the triggers that keep FTS5 in step with it.
Entries made before this have no starts: their snippets read the text from its start, as
before, until `nashr search reindex` or their next edit.
"""

from django.db import migrations, models


def forward(apps, schema_editor):
    schema_editor.execute(
        "ALTER TABLE search_searchentry ADD COLUMN starts text NOT NULL DEFAULT ''"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_searchentry ALTER COLUMN starts DROP DEFAULT")


def backward(apps, schema_editor):
    schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN starts")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgresql_phrase_pairs")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AddField(
                    model_name="searchentry",
                    name="starts",
                    field=models.TextField(blank=True, verbose_name="starts of words"),
                )
            ],
        )
    ]
