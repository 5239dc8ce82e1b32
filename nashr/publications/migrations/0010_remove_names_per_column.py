"""The per-language columns of kinds' and signatories' names go (their text is in the
JSON fields since 0009). They are first given an empty default, so that going back
can add them again to rows that exist before 0009 fills them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("publications", "0009_names_per_language")]

    operations = [
        *(
            migrations.AlterField(
                model_name=model,
                name=name,
                field=models.CharField(default="", max_length=length, verbose_name=label),
            )
            for model, length in (("kind", 100), ("signatory", 200))
            for name, label in (("name_fa", "name in Persian"), ("name_en", "name in English"))
        ),
        migrations.AlterModelOptions(
            name="signatory",
            options={
                "ordering": ["slug"],
                "verbose_name": "signatory",
                "verbose_name_plural": "signatories",
            },
        ),
        migrations.RemoveField(model_name="kind", name="name_fa"),
        migrations.RemoveField(model_name="kind", name="name_en"),
        migrations.RemoveField(model_name="kind", name="plural_fa"),
        migrations.RemoveField(model_name="kind", name="plural_en"),
        migrations.RemoveField(model_name="signatory", name="name_fa"),
        migrations.RemoveField(model_name="signatory", name="name_en"),
    ]
