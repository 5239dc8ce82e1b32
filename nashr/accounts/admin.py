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
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_lazy
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from nashr.accounts import services
from nashr.audit.services import audit_record
from nashr.core.admin import SpellingSearchAdmin
from nashr.core.exceptions import ApplicationError

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


class StaffAdmin(SpellingSearchAdmin[Any], UserAdmin):  # type: ignore[type-arg]  # django-stubs' UserAdmin is generic over the user model
    audit_entity = "staff"
    actions = ["open_enrolment"]

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
                % {"names": ", ".join(opened)},
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
class RoleAdmin(SpellingSearchAdmin[Group], GroupAdmin):
    audit_entity = "role"


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


# django-otp has no type hints: its admins are of type Any.
class TOTPDeviceFoldingAdmin(SecondFactorAdmin, SpellingSearchAdmin[TOTPDevice], TOTPDeviceAdmin):  # type: ignore[misc]
    pass


class StaticDeviceFoldingAdmin(
    SecondFactorAdmin,
    SpellingSearchAdmin[StaticDevice],
    StaticDeviceAdmin,  # type: ignore[misc]
):
    pass


for model, model_admin in [
    (User, StaffAdmin),
    (Group, RoleAdmin),
    (TOTPDevice, TOTPDeviceFoldingAdmin),
    (StaticDevice, StaticDeviceFoldingAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
