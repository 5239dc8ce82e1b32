"""The admin's base for models written through services.

``ServiceSavedAdmin.save_model`` hands the form's object to ``service_save`` (each admin
calls its app's service there). When the service refuses (an ``ApplicationError``: a
rule, a permission, a race with another editor), everything the request wrote is rolled
back and the same form is shown again with the service's message on the field it names,
instead of a server error: the view runs a second time with the same data, and this
time the form itself carries the error, so Django's admin renders it as any invalid
form (the typed values, the inlines and the message all stay).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db import models, router, transaction
from django.db.models import Expression, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from nashr.core import calendars
from nashr.core.bidi import named
from nashr.core.exceptions import ApplicationError
from nashr.core.forms import NamedAutocompleteSelect, NamedSelect
from nashr.core.languages import current_language
from nashr.core.spelling import fold_for_contains, folded_for_contains

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# The refusal travels from the first run of the view to the form of the second one on
# the request object, under this attribute.
_REFUSAL = "_nashr_service_refusal"

_Model = TypeVar("_Model", bound=models.Model)


@dataclass(frozen=True)
class IndexLink:
    """A page that is no model's list (a dashboard), shown on the admin index.

    Apps hand theirs to the admin site's ``add_index_link`` (Nashr's admin site, in
    accounts, has it), so an app's admin lists its dashboard without importing accounts.
    """

    label: str | Promise
    url_name: str
    permission: str
    description: str | Promise = ""


def refusal_text(error: ApplicationError) -> str:
    """The message as a form shows it next to a field: what, then what to do."""
    return f"{error.message} ({error.hint})" if error.hint else error.message


class ServiceSavedAdmin(admin.ModelAdmin[_Model]):
    """A ModelAdmin whose saves go through a service and whose refusals reach the form."""

    def service_save(
        self,
        request: HttpRequest,
        obj: _Model,
        form: forms.ModelForm[Any],
        change: bool,
    ) -> _Model:
        """Save `obj` (the form's unsaved instance) through the app's service."""
        raise NotImplementedError(f"{type(self).__name__} must say which service saves")

    def save_model(self, request: HttpRequest, obj: _Model, form: Any, change: bool) -> None:
        saved = self.service_save(request, obj, form, change)
        if saved is not obj:
            # The admin goes on with `obj` (inlines, the log, the redirect): give it the
            # saved row's identity and values.
            obj.pk = saved.pk
            obj.refresh_from_db()

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as refusal:
            setattr(request, _REFUSAL, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        adminform = context.get("adminform")
        if adminform is not None:
            say_files_not_kept(adminform.form)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        found: ApplicationError | None = getattr(request, _REFUSAL, None)
        if found is None:
            return form_class
        refusal = found

        class RefusedForm(form_class):  # type: ignore[misc,valid-type]  # a class made at run time
            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean() or self.cleaned_data
                field = refusal.where if refusal.where in self.fields else None
                self.add_error(field, refusal_text(refusal))
                return data

        return RefusedForm


class SpellingSearchAdmin(admin.ModelAdmin[_Model]):
    """An admin whose search box finds Persian however it was typed.

    `بيانيه` (Arabic yeh) finds `بیانیه`, `میروم` finds `می‌روم`, `۱۴۰۲` finds `1402`: each
    word typed and each searched column are compared in one spelling, `fold_for_contains`
    (core.spelling), the one the site's search builds on. Every word must be found in one
    of `search_fields` (Django's rule); the prefixes ``^ = @`` are read as a plain
    substring search. Every admin with `search_fields` is one of these (core.checks).
    """

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[_Model], search_term: str
    ) -> tuple[QuerySet[_Model], bool]:
        names = [name.lstrip("^=@") for name in self.get_search_fields(request)]
        words = []
        for word in smart_split(search_term):
            if word[:1] in "\"'" and word[:1] == word[-1:] and len(word) > 1:
                word = unescape_string_literal(word)
            if folded_word := fold_for_contains(word).strip():
                words.append(folded_word)
        if not names or not words:
            return super().get_search_results(request, queryset, search_term)
        columns = {
            f"_spelling_{index}": folded_for_contains(self.search_expression(name))
            for index, name in enumerate(names)
        }
        queryset = queryset.alias(**columns)
        for word in words:
            matches = (Q(**{f"{column}__contains": word}) for column in columns)
            queryset = queryset.filter(reduce(operator.or_, matches))
        return queryset, any(lookup_spawns_duplicates(self.opts, name) for name in names)

    def search_expression(self, name: str) -> str | Expression:
        """What the search field `name` compares: the column itself, unless an admin says
        otherwise (a key of a JSON field, compared as its text with ``KT``)."""
        return name


def datetime_column(name: str, description: StrOrPromise) -> Any:
    """A list column or read-only field showing a moment in the admin's calendar and digits.

    Django's admin writes dates in the Gregorian calendar with ASCII digits whatever the
    language; this writes "۹ آبان ۱۴۰۲ ۱۴:۰۵" in the Persian admin.
    """

    @admin.display(description=description, ordering=name)
    def column(admin_self: Any, obj: Any) -> str:
        return calendars.format_datetime(getattr(obj, name), current_language())

    return column


def named_column(path: str, description: StrOrPromise, ordering: str | None = None) -> Any:
    """A list column showing the object at `path` ("" for the row itself, "series",
    "bulletin.series") by its name, marked with the name's language (core.bidi.named):
    an English title in the Persian admin is read and set as English."""

    @admin.display(description=description, ordering=ordering)
    def column(admin_self: Any, obj: Any) -> str:
        target = reduce(getattr, path.split("."), obj) if path else obj
        return named(target) if target is not None else "—"

    return column


class NamedRelatedFilter(admin.RelatedFieldListFilter):
    """The sidebar's filter by a related object, each choice named in its own language."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        choices = super().field_choices(field, request, model_admin)
        objects = field.remote_field.model._default_manager.in_bulk([pk for pk, _n in choices])
        # Each choice's name and its object: Django writes the name into the choice's text
        # (with the count of rows, when the list shows counts), marked in choices().
        self.named_objects = {name: objects[pk] for pk, name in choices if pk in objects}
        return choices

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            display = str(choice["display"])
            for name, obj in self.named_objects.items():
                if display == name or display.startswith(f"{name} ("):
                    choice["display"] = format_html("{}{}", named(obj), display[len(name) :])
                    break
            yield choice


class NamedChoicesMixin:
    """An admin (or inline) whose boxes for choosing a related object name each object in
    its own language (core.forms: NamedAutocompleteSelect, NamedSelect)."""

    admin_site: admin.AdminSite

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs:
            if db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]  # the admin's own
                kwargs["widget"] = NamedAutocompleteSelect(
                    db_field, self.admin_site, using=kwargs.get("using")
                )
            elif db_field.name not in (*self.raw_id_fields, *self.radio_fields):  # type: ignore[attr-defined]  # the admin's own
                kwargs["widget"] = NamedSelect
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]  # the admin's own


class ReadOnlyAdminMixin:
    """An admin that shows rows and never writes them, whoever is logged in.

    For records that only a service or an engine writes (deliveries, the audit log):
    add, change and delete are refused to every user, superusers included.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


FILE_NOT_KEPT = _(
    "“%(name)s” was not kept, since the form could not be saved: choose the file again "
    "once the other errors are corrected."
)


def say_files_not_kept(form: forms.BaseForm) -> None:
    """On a form shown again with errors, say under each file field whose file was fine
    that the file is gone: a browser never fills a file input again by itself.

    Keeping the upload for the next try would mean holding a file nobody saved on the
    server (and cleaning it up); saying so costs the editor a click, not the file.
    """
    if not form.is_bound or not form.errors:
        return
    for name, field in form.fields.items():
        chosen = form.files.get(name)
        if isinstance(field, forms.FileField) and chosen and name not in form.errors:
            form.add_error(name, FILE_NOT_KEPT % {"name": chosen.name})


# Django's own, kept by ``install_admin_display`` for what is not a date.
_django_display_for_field: Any = None


def display_for_field(
    value: Any, field: Any, empty_value_display: str, avoid_link: bool = False
) -> Any:
    """Django's ``display_for_field``, with dates in the admin's calendar and digits.

    Django writes a date field of a list or a read-only field Gregorian ("7 دسامبر ۲۰۲۶")
    whatever the language, and has no hook for it: the admin app installs this in its
    place (``install_admin_display``), so third-party admins (devices, task results,
    Django's users) show "۱۶ آذر ۱۴۰۵ ۰۹:۰۰" as Nashr's own do.
    """
    if value is not None and not getattr(field, "flatchoices", None):
        if isinstance(field, models.DateTimeField):
            return calendars.format_datetime(value, current_language())
        if isinstance(field, models.DateField):
            return calendars.format_date(value, current_language())
    return _django_display_for_field(value, field, empty_value_display, avoid_link)


BOOLEAN_TEXT = {True: _("Yes"), False: _("No"), None: _("Unknown")}


def boolean_icon(field_val: bool | None) -> Any:
    """Django's yes/no icon, its text in the admin's language (Django's says "False")."""
    icon = {True: "yes", False: "no", None: "unknown"}[field_val]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), BOOLEAN_TEXT[field_val]
    )


def install_admin_display() -> None:
    """Put ``display_for_field`` and ``boolean_icon`` where the admin's lists and read-only
    fields call Django's."""
    global _django_display_for_field
    from django.contrib.admin import helpers, utils
    from django.contrib.admin.templatetags import admin_list

    if _django_display_for_field is None:
        _django_display_for_field = utils.display_for_field
    for module in (utils, helpers, admin_list):
        module.display_for_field = display_for_field  # type: ignore[attr-defined]  # see above
    admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]  # see above


class CalendarMonthFilter(admin.SimpleListFilter):
    """A moment field filtered by the months of the admin's calendar that have rows.

    In place of Django's ``date_hierarchy``, whose drill-down is Gregorian ("دسامبر ۲۰۲۶");
    subclasses name the field in ``field_name`` and the filter's ``title``.
    """

    field_name = ""
    parameter_name = "month"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        language = current_language()
        days = model_admin.get_queryset(request).datetimes(self.field_name, "day", order="DESC")
        months: list[tuple[int, int]] = []
        for day in days:
            # Django gives each day at midnight in the site's time zone.
            month = calendars.month_of(day.date(), language)
            if month not in months:
                months.append(month)
        return [
            (f"{year}-{month}", calendars.format_month(year, month, language))
            for year, month in months
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            year, month = (int(part) for part in value.split("-"))
            first, last = calendars.month_bounds(year, month, current_language())
        except (ValueError, ApplicationError):
            return queryset.none()
        return queryset.filter(
            **{f"{self.field_name}__date__gte": first, f"{self.field_name}__date__lte": last}
        )
