"""Tasks queued before the one scheduler (nashr.core.schedule) run its task instead.

Each app had its own task for work at a set time; a task still waiting under one of
those names would fail to load once they are gone, and its work would wait for the next
unrelated schedule. `run_due` does the work of all three, so they are pointed at it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

OLD_PATHS = (
    "nashr.publications.tasks.publish_due",
    "nashr.bulletins.tasks.publish_due",
    "nashr.delivery.tasks.send_due",
)
NEW_PATH = "nashr.core.schedule.run_due"


def forwards(apps: Any, schema_editor: Any) -> None:
    task_result = apps.get_model("django_tasks_database", "DBTaskResult")
    waiting = task_result.objects.using(schema_editor.connection.alias).filter(
        task_path__in=OLD_PATHS, status="READY"
    )
    waiting.update(task_path=NEW_PATH)


class Migration(migrations.Migration):
    dependencies = [("django_tasks_database", "0021_conditional_partial_index_ordering")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
