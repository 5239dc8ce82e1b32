"""Staff accounts in the admin: Django's user admin, with access changes recorded.

Roles (groups) and permissions are set through ``services.staff_roles_set`` and the
account's fields, the flags that open the admin (active, staff, superuser) among them,
are recorded as they are saved, so the audit trail shows who gave whom which access.
Deletes, and changes to roles, are recorded by the admin site (nashr.audit.admin_trail).

Two-factor devices are listed and removed here, never added or changed: a device added
by an administrator would carry a key the administrator knows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from nashr.accounts import services
from nashr.accounts.roles import role_label
from nashr.audit.services import audit_record
from nashr.core import calendars
from nashr.core.admin import SpellingSearchAdmin, datetime_column
from nashr.core.exceptions import ApplicationError
from nashr.core.languages import current_language

User = get_user_model()
# Fields of the account whose change is recorded (never the password: only that it was
# set; the address as changed, not what it was or became: audit_record hides it).
RECORDED_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)


# Django's own names of the default permissions ("Can add %s"), which it stores in
# English whatever the language: shown again in the admin's language.
DEFAULT_PERMISSION_NAMES = {
    "add": gettext_lazy("Can add %(model)s"),
    "change": gettext_lazy("Can change %(model)s"),
    "delete": gettext_lazy("Can delete %(model)s"),
    "view": gettext_lazy("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "نوشته‌ها | نوشته | می‌تواند نوشته را منتشر کند": the section, the model and what it
    allows, in the admin's language (the stored name is English)."""
    model = permission.content_type.model_class()
    action, _underscore, _rest = permission.codename.partition("_")
    if model is None:
        return str(permission)
    opts = model._meta
    default = DEFAULT_PERMISSION_NAMES.get(action)
    if default is not None and permission.codename == f"{action}_{opts.model_name}":
        name = str(default) % {"model": opts.verbose_name}
    else:
        name = gettext(permission.name)
    return gettext("%(section)s | %(model)s | %(permission)s") % {
        "section": opts.app_config.verbose_name,
        "model": opts.verbose_name,
        "permission": name,
    }


class RolesAndPermissionsLabelled:
    """The choices of roles and permissions on a form, named in the admin's language."""

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]  # a mixin of a ModelAdmin
        if formfield is not None and db_field.related_model is Permission:
            formfield.queryset = formfield.queryset.select_related("content_type")
            formfield.label_from_instance = permission_label
        elif formfield is not None and db_field.related_model is Group:
            formfield.label_from_instance = lambda group: role_label(group.name)
        return formfield


class StaffAdmin(RolesAndPermissionsLabelled, SpellingSearchAdmin[Any], UserAdmin):  # type: ignore[type-arg]  # django-stubs' UserAdmin is generic over the user model
    audit_entity = "staff"
    actions = ["open_enrolment"]
    # Shown, never typed: Django sets them at the login and when the account is made
    # (and its date inputs are Gregorian).
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "roles")

    @admin.display(description=gettext_lazy("roles"))
    def roles(self, user: Any) -> str:
        return calendars.format_list(
            [role_label(group.name) for group in user.groups.all()], current_language()
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.action(
        description=gettext_lazy(
            "Let them set up a second factor again (for NASHR_ENROLMENT_HOURS)"
        ),
        permissions=["change"],
    )
    def open_enrolment(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        opened: list[str] = []
        for user in queryset:
            try:
                services.second_factor_enrolment_open(actor=request.user, user=user)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                opened.append(user.get_username())
        if opened:
            self.message_user(
                request,
                gettext("Second-factor enrolment is open for: %(names)s.")
                % {"names": calendars.format_list(opened, current_language())},
                messages.SUCCESS,
            )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            audit_record(actor=request.user, action="staff.create", target=obj)
            return
        changes = {
            name: [form.initial.get(name), form.cleaned_data[name]]
            for name in form.changed_data
            if name in RECORDED_FIELDS
        }
        if changes:
            audit_record(actor=request.user, action="staff.update", target=obj, changes=changes)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The roles and permissions are set by the service, not by the form.
        roles = form.cleaned_data.pop("groups", None)
        permissions = form.cleaned_data.pop("user_permissions", None)
        super().save_related(request, form, formsets, change)
        if roles is not None or permissions is not None:
            services.staff_roles_set(
                actor=request.user,
                user=form.instance,
                roles=roles if roles is not None else form.instance.groups.all(),
                permissions=permissions,
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                audit_record(actor=request.user, action="staff.password_set", target=user)
        return response


# Django's and django-otp's own admins, their search boxes folding spellings as every
# other admin's does (core.checks holds every admin to it).
class RoleAdmin(RolesAndPermissionsLabelled, SpellingSearchAdmin[Group], GroupAdmin):
    audit_entity = "role"
    list_display = ("role",)

    @admin.display(description=gettext_lazy("role"), ordering="name")
    def role(self, group: Group) -> str:
        return role_label(group.name)


class SecondFactorAdmin(admin.ModelAdmin[Any]):
    """A kind of two-factor device, seen and removed (``services.second_factor_remove``).

    Never added or changed, superusers included: an administrator could otherwise give
    another account a device whose key they chose, or move a device to another account.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.second_factor_remove(actor=request.user, device=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for device in queryset.select_related("user"):
                services.second_factor_remove(actor=request.user, device=device)


class DeviceColumns(admin.ModelAdmin[Any]):
    """A device's columns and read-only fields named in the admin's language (django-otp's
    fields have English names only), its dates in the admin's calendar."""

    list_display = ("owner", "device_name", "created", "last_used", "is_confirmed")
    list_filter = ()
    search_help_text = gettext_lazy("Search by the user name or the e-mail address.")
    fields = readonly_fields = ("owner", "device_name", "is_confirmed", "created", "last_used")
    fieldsets = None

    created = datetime_column("created_at", gettext_lazy("added at"))
    last_used = datetime_column("last_used_at", gettext_lazy("last used at"))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return [(None, {"fields": self.fields})]

    @admin.display(description=gettext_lazy("user"), ordering="user__username")
    def owner(self, device: Any) -> str:
        return str(device.user.get_username())

    @admin.display(description=gettext_lazy("name"), ordering="name")
    def device_name(self, device: Any) -> str:
        if device.name == services.SELF_ENROLLED_NAME:
            return str(gettext_lazy("authenticator app"))
        return str(device.name)

    @admin.display(description=gettext_lazy("confirmed"), ordering="confirmed", boolean=True)
    def is_confirmed(self, device: Any) -> bool:
        return bool(device.confirmed)


# django-otp has no type hints: its admins are of type Any.
class TOTPDeviceFoldingAdmin(
    DeviceColumns,
    SecondFactorAdmin,
    SpellingSearchAdmin[TOTPDevice],
    TOTPDeviceAdmin,  # type: ignore[misc]
):
    pass


class StaticDeviceFoldingAdmin(
    DeviceColumns,
    SecondFactorAdmin,
    SpellingSearchAdmin[StaticDevice],
    StaticDeviceAdmin,  # type: ignore[misc]
):
    # Never the codes themselves (OTP_ADMIN_HIDE_SENSITIVE_DATA): the set is listed only.
    inlines = []


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks' results, their times in the admin's calendar and their ids as written
    (an id is code: its digits are not the admin's)."""

    list_display = (
        "task_id",
        "task_name",
        "status",
        "enqueued",
        "started",
        "finished",
        "priority",
        "queue_name",
    )
    list_display_links = ("task_id",)
    enqueued = datetime_column("enqueued_at", pgettext_lazy("Task", "enqueued at"))
    started = datetime_column("started_at", pgettext_lazy("Task", "started at"))
    finished = datetime_column("finished_at", pgettext_lazy("Task", "finished at"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields: list[str] = super().get_readonly_fields(request, obj)
        return ["task_id" if name == "id" else name for name in fields]

    @admin.display(description=pgettext_lazy("Task", "id"), ordering="id")
    def task_id(self, result: DBTaskResult[Any, Any]) -> SafeString:
        return format_html('<code dir="ltr">{}</code>', result.id)

    @admin.display(description=pgettext_lazy("Task", "task"), ordering="task_path")
    def task_name(self, result: DBTaskResult[Any, Any]) -> SafeString:
        return format_html('<code dir="ltr">{}</code>', result.task_path)


for model, model_admin in [
    (User, StaffAdmin),
    (Group, RoleAdmin),
    (TOTPDevice, TOTPDeviceFoldingAdmin),
    (StaticDevice, StaticDeviceFoldingAdmin),
    (DBTaskResult, TaskResultAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
