from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("publications", "0009_names_per_language")]

    operations = [
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
