from __future__ import annotations

from django.conf import settings

TASK_PATH = "nashr.delivery.tasks.send_bulletin"


def sending_task_status(*, bulletin_id: int) -> str | None:
    """The status of the last background task sending this issue (database backend only)."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return None
    from django_tasks_db.models import DBTaskResult

    last = (
        DBTaskResult.objects.filter(
            task_path=TASK_PATH, args_kwargs__kwargs__bulletin_id=bulletin_id
        )
        .order_by("-enqueued_at")
        .values_list("status", flat=True)
        .first()
    )
    return str(last) if last else None
