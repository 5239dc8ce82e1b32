import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("publications", "0002_default_kinds"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "publication",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="publications.publication",
                        verbose_name="publication",
                    ),
                ),
                ("language", models.CharField(max_length=8, verbose_name="language")),
                ("date", models.DateField(verbose_name="date it bears")),
                ("title", models.TextField(verbose_name="terms of the title")),
                ("body", models.TextField(verbose_name="terms of the summary and body")),
                ("extra", models.TextField(blank=True, verbose_name="parts of split words")),
                ("facets", models.TextField(blank=True, verbose_name="facets")),
                (
                    "kind",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="publications.kind",
                        verbose_name="kind",
                    ),
                ),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "indexes": [models.Index(fields=["date"], name="search_entry_date")],
            },
        ),
    ]
