"""The editorial admin: kinds, signatories and publications, every write through services.

The services decide what a user may do (``nashr.publications.rules``) and refuse the
rest; a refusal shows on the form (``nashr.core.admin.ServiceSavedAdmin``) or, for an
action on many publications, as one message each. The admin only chooses what to
offer: which fields are read-only, which statuses and originals are listed.

The title, summary and body carry the publication's language and direction (not the
admin's); dates are typed and shown in the calendar of the admin's language. The extra
pages (preview, translation dashboard) are in ``admin_views``, the forms in
``admin_forms``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Expression, QuerySet
from django.db.models.fields.json import KT
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from nashr.core import calendars
from nashr.core.admin import (
    IndexLink,
    NamedChoicesMixin,
    ServiceSavedAdmin,
    SpellingSearchAdmin,
    named_column,
)
from nashr.core.bidi import direction
from nashr.core.exceptions import ApplicationError, ValidationError
from nashr.core.forms import admin_date_field
from nashr.core.languages import (
    codes,
    current_language,
    default_language,
    is_rtl,
    language_name,
)
from nashr.media.processing import IMAGE_EXTENSIONS
from nashr.media.services import media_upload
from nashr.publications import admin_views, hooks, rules, services
from nashr.publications.admin_desk import DeskAdminMixin
from nashr.publications.admin_forms import PublicationForm, ServiceModelForm, insert_reference
from nashr.publications.models import DateShown, Kind, Publication, Signatory, Status

UNSCHEDULED = _(
    "Your change cancelled the scheduled publishing of this publication: it was approved "
    "as it was before. Submit it for review; an editor can schedule it again."
)
# Pickers (autocomplete: the app and field asking) that offer published publications only:
# a bulletin's item is sent to readers, and its service refuses anything else.
PUBLISHED_ONLY_PICKERS = {("bulletins", "publication")}


SCHEDULED = "scheduled"


class StateFilter(admin.SimpleListFilter):
    """The statuses, and "scheduled" (a draft or one in review that the worker will
    publish at its time): the list shows when."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*Status.choices, (SCHEDULED, _("Scheduled"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == SCHEDULED:
            return queryset.filter(publish_at__isnull=False).exclude(status=Status.PUBLISHED)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


def scheduled_text(publication: Publication) -> str:
    """«Scheduled for 16 Azar 1405 09:00», in the admin's calendar and digits."""
    return str(
        _("Scheduled for %(when)s")
        % {"when": calendars.format_datetime(publication.publish_at, current_language())}
    )


def _changes(form: ModelForm[Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}


class NamesForm(ServiceModelForm):
    """A kind's or a signatory's form, with one text input per language for each of its
    `named` JSON fields (``names_fa``, ``names_en``... for ``names``).

    The class is made for each request (``names_form``), from the languages configured
    then: adding a language adds its inputs, no code. ``clean`` gathers the inputs into
    the JSON field's dict, keeping the names of languages no longer configured.
    """

    named: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.named:
            stored = getattr(self.instance, field)
            for code in codes():
                self.initial.setdefault(f"{field}_{code}", stored.get(code, ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for field in self.named:
            configured = codes()
            kept = {
                code: name
                for code, name in getattr(self.instance, field).items()
                if code not in configured
            }
            typed = {code: data.get(f"{field}_{code}") or "" for code in configured}
            data[field] = {**kept, **{code: name for code, name in typed.items() if name}}
        return data


def names_form(base: type[NamesForm], labels: dict[str, Any]) -> type[NamesForm]:
    """`base` with a text input per configured language for each JSON field of `labels`
    (its label, with %(language)s for the language's name); the default language's
    ``names`` input is required."""
    default = default_language()
    inputs: dict[str, Any] = {"named": tuple(labels)}
    for field, label in labels.items():
        for code in codes():
            inputs[f"{field}_{code}"] = forms.CharField(
                label=label % {"language": language_name(code)},
                required=field == "names" and code == default,
                max_length=200,
                widget=forms.TextInput(
                    attrs={"lang": code, "dir": direction(code), "class": "vTextField"}
                ),
            )
    return type(base.__name__, (base,), inputs)


class _SimpleServiceAdmin(SpellingSearchAdmin[Any], ServiceSavedAdmin[Any]):
    """Kinds and signatories: `create` with every field, or `update` with those changed.

    Their names are JSON fields of one entry per language (`named`, with the label of
    each language's input): the form shows an input per configured language, the list
    the names, and the search box searches each language's name. `update` gets the row
    as stored and the fields whose value differs from it.
    """

    form = NamesForm
    # The fields in the form's order, a JSON field of `named` standing for its inputs.
    saved_fields: ClassVar[tuple[str, ...]]
    named: ClassVar[dict[str, Any]]
    create: ClassVar[Callable[..., models.Model]]
    update: ClassVar[Callable[..., models.Model]]
    # The keyword under which `update` takes the row.
    updated: ClassVar[str]
    search_fields = ("slug", "names")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and not self.has_change_permission(request, obj):
            # Read only (an editor viewing a kind): each JSON field's names shown together,
            # each in its language, not an input per language with no value.
            return tuple(
                f"{name}_display" if name in self.named else name for name in self.saved_fields
            )
        return tuple(
            input_name
            for name in self.saved_fields
            for input_name in (
                [f"{name}_{code}" for code in codes()] if name in self.named else [name]
            )
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs.setdefault("form", names_form(self.form, self.named))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        """Each language's name: a key of the JSON field, compared as text."""
        return [
            searched
            for name in super().get_search_fields(request)
            for searched in (
                [f"{name}__{code}" for code in codes()] if name in self.named else [name]
            )
        ]

    def search_expression(self, name: str) -> str | Expression:
        # A language's name as text: on PostgreSQL the key itself would be JSON, quoted.
        return KT(name) if name.split("__")[0] in self.named else name

    @admin.display(description=_("names"))
    def names_display(self, obj: Any) -> str:
        return _names_html(obj.names)

    @admin.display(description=_("plurals"))
    def plurals_display(self, obj: Any) -> str:
        return _names_html(getattr(obj, "plurals", {}))

    def service_save(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> models.Model:
        if not change:
            return self.create(
                actor=request.user, **{name: form.cleaned_data[name] for name in self.saved_fields}
            )
        stored = type(obj)._default_manager.get(pk=obj.pk)
        changes = {
            name: form.cleaned_data[name]
            for name in self.saved_fields
            if form.cleaned_data[name] != getattr(stored, name)
        }
        return self.update(actor=request.user, **{self.updated: stored}, **changes)


def _names_html(names: dict[str, str]) -> str:
    """Each language's name in its language and direction: «بیانیه / Statement»."""
    return format_html_join(
        " / ",
        '<span lang="{}" dir="{}">{}</span>',
        ((code, direction(code), names[code]) for code in codes() if names.get(code)),
    )


@admin.register(Kind)
class KindAdmin(_SimpleServiceAdmin):
    list_display = ("slug", "names_display", "order")
    saved_fields = services.KIND_FIELDS
    named = {"names": _("name in %(language)s"), "plurals": _("plural in %(language)s")}
    create = staticmethod(services.kind_create)
    update = staticmethod(services.kind_update)
    updated = "kind"


@admin.register(Signatory)
class SignatoryAdmin(_SimpleServiceAdmin):
    list_display = ("slug", "names_display")
    saved_fields = services.SIGNATORY_FIELDS
    named = {"names": _("name in %(language)s")}
    create = staticmethod(services.signatory_create)
    update = staticmethod(services.signatory_update)
    updated = "signatory"


@admin.register(Publication)
class PublicationAdmin(
    NamedChoicesMixin,
    DeskAdminMixin,
    SpellingSearchAdmin[Publication],
    ServiceSavedAdmin[Publication],
):
    form = PublicationForm
    list_display = (
        "title_display",
        "language",
        "kind",
        "date_display",
        "state_display",
        "translation_state",
    )
    list_filter = (StateFilter, "language", "kind")
    search_fields = ("title", "legacy_path")
    list_select_related = ("kind", "translation_of")
    # The original is picked by typing its title (this admin's search), not its id.
    autocomplete_fields = ("translation_of",)
    actions = ("publish_selected", "unpublish_selected")

    class Media:
        js = ("publications/admin/direction.js", "publications/admin/upload.js")
        css = {"all": ("publications/admin/editor.css",)}

    # ---- permissions -------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return rules.can_add(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.can_change(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.can_delete(request.user, obj)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return rules.can_publish(request.user)

    # ---- the form ----------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        main = ["language", "translation_of", "kind", "title", "summary", "body"]
        if request.user.has_perm("media.add_media"):
            main += ["insert_file", "insert_text"]
        if obj is not None:
            main[:2] = ["language_display", "translation_display"]
            if obj.translation_of_id is not None and self.has_change_permission(request, obj):
                main.append("up_to_date")
        details = ["signatory", "date", "date_shown", "status", "publish_at", "slug"]
        details.append("source_url")
        details.append("legacy_path")
        if obj is not None:
            details += ["published_on", "revision"]
        return [(None, {"fields": main}), (_("Details"), {"fields": details})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = ["language_display", "translation_display", "published_on", "revision"]
        if obj is not None and obj.is_published and not rules.can_publish(request.user):
            readonly.append("status")
        return readonly

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Prefilled from ?translation_of=ID&language=xx (the dashboard's links)."""
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        original = self._original_from_query(request)
        if original is not None:
            initial.update(
                translation_of=original.pk,
                kind=original.kind_id,
                signatory=original.signatory_id,
                date=original.date,
            )
            if "language" not in request.GET:
                others = [code for code in codes() if code != original.language]
                initial["language"] = others[0]
        initial.setdefault("language", default_language())
        # A clear default: most publications bear the day they are written.
        initial.setdefault("date", timezone.localdate())
        return initial

    def _original_from_query(self, request: HttpRequest) -> Publication | None:
        raw = request.GET.get("translation_of", "")
        if not raw.isdigit():
            return None
        return Publication.objects.filter(pk=int(raw), translation_of__isnull=True).first()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Any]]:
        form: type[ModelForm[Any]] = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            language = obj.language
        else:
            language = request.POST.get("language") or request.GET.get("language") or ""
            if language not in codes():
                original = self._original_from_query(request)
                language = (
                    next(code for code in codes() if code != original.language)
                    if original is not None
                    else default_language()
                )
        for name in (*services.CONTENT_FIELDS, "insert_text"):
            if name in form.base_fields:
                form.base_fields[name].widget.attrs.update(
                    {"lang": language, "dir": direction(language), "data-content-field": ""}
                )
        if "language" in form.base_fields:
            form.base_fields["language"].widget.attrs["data-rtl-languages"] = " ".join(
                code for code in codes() if is_rtl(code)
            )
        if "status" in form.base_fields and not rules.can_publish(request.user):
            # Offered no more; posted anyway, the service refuses it with its reason.
            form.base_fields["status"].widget.choices = [
                choice for choice in Status.choices if choice[0] != Status.PUBLISHED
            ]
        if "translation_of" in form.base_fields:
            field: Any = form.base_fields["translation_of"]
            field.queryset = Publication.objects.filter(translation_of__isnull=True)
            field.help_text = _("The original this is a translation of; empty for an original.")
            if not rules.can_add_original(request.user):
                field.required = True
        return form

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "date":
            return admin_date_field(db_field, required=True)
        if db_field.name == "publish_at":
            return self.desk_schedule_field(request)
        if db_field.name == "body":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 24, "cols": 80})
        if db_field.name == "summary":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # ---- saving through the services -------------------------------------------------

    def service_save(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> Publication:
        data = form.cleaned_data
        language = obj.language if change else data["language"]
        inserted = self._insert_upload(request, form, language=language)
        if not change:
            if inserted is not None:
                data = {**data, "body": inserted}
            created = self._create(request=request, data=data)
            self.desk_save_schedule(request, created, form)
            self._say_scheduled(request, created, form)
            return created
        current = Publication.objects.select_related("translation_of").get(pk=obj.pk)
        source_revision = None
        if data.get("up_to_date") and current.translation_of is not None:
            source_revision = current.translation_of.revision
        scheduled = current.publish_at
        changes = _changes(form, services.EDITABLE_FIELDS)
        if inserted is not None:
            changes["body"] = inserted
        services.publication_update(
            actor=request.user,
            publication=current,
            source_revision=source_revision,
            **changes,
        )
        if scheduled is not None and current.publish_at is None:
            self.message_user(request, UNSCHEDULED, messages.WARNING)
        status = data.get("status", current.status)
        if status != current.status:
            services.publication_set_status(actor=request.user, publication=current, status=status)
        self.desk_save_schedule(request, current, form)
        self._say_scheduled(request, current, form)
        return current

    def _insert_upload(self, request: HttpRequest, form: Any, *, language: str) -> str | None:
        """Upload the file chosen in "insert" (the media service cleans or refuses it); the
        body with its reference added, or None when no file was chosen."""
        data = form.cleaned_data
        upload = data.get("insert_file")
        if not upload:
            return None
        text = (data.get("insert_text") or "").strip()
        # A PDF's alt text would never be read: the text is its link's (its title).
        is_image = upload.name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS
        try:
            media = media_upload(
                actor=request.user,
                name=upload.name,
                data=upload.read(),
                title=text,
                language=language,
                alt_text=text if is_image else "",
            )
        except ValidationError as exc:
            # Shown on the insert fields; the publication is not saved either.
            where = "insert_text" if exc.where == "alt_text" else "insert_file"
            raise ValidationError(
                f"“{upload.name}”: {exc.message}", where=where, hint=exc.hint
            ) from exc
        return insert_reference(data.get("body") or "", media.reference, at=data.get("insert_at"))

    def _say_scheduled(self, request: HttpRequest, publication: Publication, form: Any) -> None:
        """After a save that scheduled it: when, and which translations go with it."""
        if "publish_at" not in form.changed_data or not publication.is_scheduled:
            return
        when = calendars.format_datetime(publication.publish_at, current_language())
        self.message_user(
            request, _("Scheduled: published on %(when)s.") % {"when": when}, messages.SUCCESS
        )
        for translation in publication.translations.filter(publish_at=publication.publish_at):
            self.message_user(
                request,
                _("Its translation in %(language)s is scheduled with it.")
                % {"language": language_name(translation.language)},
                messages.SUCCESS,
            )

    def _create(self, *, request: HttpRequest, data: dict[str, Any]) -> Publication:
        fields: dict[str, Any] = {
            "language": data["language"],
            "title": data["title"],
            "body": data.get("body", ""),
            "summary": data.get("summary", ""),
            "kind": data["kind"],
            "signatory": data.get("signatory"),
            "date": data["date"],
            "date_shown": data.get("date_shown") or DateShown.WRITTEN,
            "status": data.get("status") or Status.DRAFT,
            "slug": data.get("slug", ""),
            "source_url": data.get("source_url", ""),
            "legacy_path": data.get("legacy_path"),
        }
        original = data.get("translation_of")
        if original is None:
            return services.publication_create(actor=request.user, **fields)
        return services.translation_create(actor=request.user, original=original, **fields)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            services.publication_delete(actor=request.user, publication=obj)
        except ApplicationError as exc:
            # has_delete_permission and the page of protected objects turn these away
            # first; this is a race with another editor, refused as a whole.
            raise PermissionDenied(str(exc)) from exc

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Publication]) -> None:
        with transaction.atomic():
            for publication in queryset:
                self.delete_model(request, publication)

    # ---- read-only fields and list columns ---------------------------------------------

    title_display = named_column("", _("title"), ordering="title")

    @admin.display(description=_("date it bears"), ordering="date")
    def date_display(self, publication: Publication) -> str:
        return calendars.format_date(publication.date, current_language())

    @admin.display(description=_("status"), ordering="status")
    def state_display(self, publication: Publication) -> str:
        if publication.is_scheduled:
            return format_html(
                '<span class="nashr-scheduled">{} · {}</span>',
                publication.get_status_display(),
                scheduled_text(publication),
            )
        return str(publication.get_status_display())

    @admin.display(description=_("translation"))
    def translation_state(self, publication: Publication) -> str:
        if publication.translation_of_id is None:
            return str(_("original"))
        if publication.is_outdated:
            return str(_("outdated"))
        return str(_("up to date"))

    @admin.display(description=_("language"))
    def language_display(self, publication: Publication) -> str:
        return str(publication.get_language_display())

    @admin.display(description=_("translation of"))
    def translation_display(self, publication: Publication) -> str:
        original = publication.translation_of
        if original is None:
            return str(_("— (this is an original)"))
        url = reverse("admin:publications_publication_change", args=[original.pk])
        if publication.is_outdated:
            return format_html(
                '<a href="{}" lang="{}" dir="{}">{}</a> <strong class="nashr-outdated">{}</strong>',
                url,
                original.language,
                original.direction,
                original.title,
                _(
                    "Outdated: made from revision %(made)s of the original, which is now at "
                    "revision %(now)s."
                )
                % {"made": publication.source_revision, "now": original.revision},
            )
        return format_html(
            '<a href="{}" lang="{}" dir="{}">{}</a> ({})',
            url,
            original.language,
            original.direction,
            original.title,
            _("made from revision %(made)s, up to date") % {"made": publication.source_revision},
        )

    @admin.display(description=_("published on (the time it went public)"))
    def published_on(self, publication: Publication) -> str:
        return calendars.format_datetime(publication.published_at, current_language())

    # ---- actions -------------------------------------------------------------------------

    @admin.action(description=_("Publish the selected publications"), permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Publication]) -> None:
        self._each(
            request,
            queryset,
            services.publication_publish,
            ngettext_lazy(
                "Published %(count)d publication.", "Published %(count)d publications.", "count"
            ),
        )

    @admin.action(description=_("Unpublish the selected publications"), permissions=["publish"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Publication]) -> None:
        self._each(
            request,
            queryset,
            services.publication_unpublish,
            ngettext_lazy(
                "Unpublished %(count)d publication.", "Unpublished %(count)d publications.", "count"
            ),
        )

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Publication], action: Any, done: Any
    ) -> None:
        """`action` on each publication; each refusal is a message, the others go ahead."""
        count = 0
        for publication in queryset:
            try:
                with transaction.atomic():
                    action(actor=request.user, publication=publication)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    # ---- extra pages: preview, translation dashboard (admin_views) ------------------------

    def get_urls(self) -> list[URLPattern]:
        def view(function: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return self.admin_site.admin_view(partial(function, model_admin=self))

        extra = [
            path(
                "translations/",
                view(admin_views.translation_dashboard),
                name="publications_translation_dashboard",
            ),
            path(
                "<int:object_id>/preview/",
                view(admin_views.publication_preview),
                name="publications_publication_preview",
            ),
        ]
        return extra + self.desk_urls() + super().get_urls()

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            context["preview_url"] = reverse(
                "admin:publications_publication_preview", args=[obj.pk]
            )
            context["content_language"] = obj.language
            context.update(self.desk_context(obj))
            context["admin_sections"] = hooks.admin_sections(obj)
        original = obj.translation_of if obj is not None else self._original_from_query(request)
        context["translation"] = admin_views.translation_panel(request, obj, original)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_view_on_site_url(self, obj: Publication | None = None) -> str | None:
        """A draft has no public page yet: "view on site" opens its preview."""
        if obj is not None and not obj.is_published:
            return reverse("admin:publications_publication_preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Publication], search_term: str
    ) -> tuple[QuerySet[Publication], bool]:
        # The search box that picks a translation's original offers originals only.
        if request.GET.get("field_name") == "translation_of":
            queryset = queryset.filter(translation_of__isnull=True)
        # The one that picks a bulletin's item offers what readers may get: published texts.
        if (request.GET.get("app_label"), request.GET.get("field_name")) in PUBLISHED_ONLY_PICKERS:
            queryset = queryset.filter(status=Status.PUBLISHED)
        return super().get_search_results(request, queryset, search_term)


def _register_dashboard() -> None:
    add_link = getattr(admin.site, "add_index_link", None)
    if add_link is not None:
        add_link(
            IndexLink(
                label=_("Translation dashboard"),
                url_name="admin:publications_translation_dashboard",
                permission="publications.view_publication",
                description=_("Missing and outdated translations, with links to fix them."),
            )
        )


_register_dashboard()
