"""Django's own admin strings whose Persian translation reads wrongly, and third-party
strings with no Persian translation (the background tasks' statuses).

Nashr's catalogue (locale/, which takes precedence over Django's) translates them again:
"نوشته‌ها های انتخاب شده" for "Delete selected publications", missing half-spaces, a
typo. They are listed here only so that `makemessages` keeps those entries.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, pgettext_lazy

DJANGO_ADMIN_STRINGS = (
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add link"),
    gettext_noop("Clear all filters"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("Recent actions"),
    gettext_noop("My actions"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Filter navigation items"),
    gettext_noop(
        "Items must be selected in order to perform actions on them. No items have been changed."
    ),
)

# django-tasks' statuses, as the task results' list shows them.
TASK_STATUSES = (
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
