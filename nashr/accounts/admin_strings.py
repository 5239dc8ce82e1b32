"""Django's own admin strings whose Persian translation reads wrongly or is missing, and
third-party strings with no Persian translation (the background tasks' statuses and
fields).

Nashr's catalogue (locale/, which takes precedence over Django's) translates them again:
"نوشته‌ها های انتخاب شده" for "Delete selected publications", missing half-spaces, a
typo. They are listed here only so that `makemessages` keeps those entries.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

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

# Django 5's admin and authentication strings that its Persian catalogue lacks (they read
# in English on the Persian admin: the hidden "Model name" header, the breadcrumbs' name,
# each row's checkbox, the user form's password choice).
DJANGO_UNTRANSLATED = (
    gettext_noop("Breadcrumbs"),
    gettext_noop("Model name"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop(
        "This action will <strong>enable</strong> password-based authentication for this user."
    ),
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Disabled"),
    gettext_noop("Enabled"),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Password-based authentication"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Reset password"),
    gettext_noop("salt"),
    gettext_noop("hash"),
    gettext_noop("Set password"),
    gettext_noop("Set password: %s"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, "
        "they may still be able to authenticate using other backends, such as Single Sign-On "
        "or LDAP."
    ),
)
DJANGO_UNTRANSLATED_PLURALS = (
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 1),
    ngettext_lazy("entry", "entries", 1),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
)

# django-tasks' fields, as a task result's page names them.
TASK_FIELDS = (
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
)

# django-tasks' statuses, as the task results' list shows them.
TASK_STATUSES = (
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
