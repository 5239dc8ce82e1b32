from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def forget_clear_keys(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Old rows name addresses and user names in clear; a count lost is a few guesses."""
    apps.get_model("accounts", "LoginThrottle").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        # Before shortening the column: old keys ("user:" and 150 characters) do not fit.
        migrations.RunPython(forget_clear_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="loginthrottle",
            name="key",
            field=models.CharField(max_length=100, unique=True, verbose_name="key"),
        ),
    ]
