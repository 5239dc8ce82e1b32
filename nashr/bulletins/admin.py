"""Admin for series and issues: items inline, previews of the three formats, publishing."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import smart_split
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nashr.bulletins import flow, rendering, selectors, services
from nashr.bulletins.models import Bulletin, BulletinItem, BulletinStatus, Series
from nashr.core.admin import (
    IndexLink,
    NamedChoicesMixin,
    NamedRelatedFilter,
    ServiceSavedAdmin,
    SpellingSearchAdmin,
    datetime_column,
    named_column,
)
from nashr.core.bidi import content_attrs, direction
from nashr.core.calendars import format_month, localize_digits, month_names, to_latin_digits
from nashr.core.exceptions import ApplicationError
from nashr.core.forms import LocalDigitsInput, admin_date_field, admin_datetime_field
from nashr.core.languages import current_language

PREVIEW_FORMATS = ("html", "email", "text", "pdf")
SAMPLE_UNSUBSCRIBE = "https://example.invalid/unsubscribe/sample/"
SAMPLE_MANAGE = "https://example.invalid/my-data/sample/"
EDITORIAL_FIELDS = ("editorial_title", "editorial_body", "correction_note")
ITEM_CONTENT_FIELDS = ("title", "text", "slogan")
UNSCHEDULED = _(
    "Your change cancelled the scheduled publishing of this issue: it was approved as it "
    "was before. Ask an editor to check it and schedule it again."
)


def _content_attrs(form: Any, names: tuple[str, ...], language: str) -> None:
    """What editors type for the issue is in the series' language, whatever the admin's."""
    for name in names:
        if name in form.base_fields:
            form.base_fields[name].widget.attrs.update(
                {"lang": language, "dir": direction(language)}
            )


@admin.register(Series)
class SeriesAdmin(ServiceSavedAdmin[Series]):
    fields = [
        "slug",
        "title",
        "language",
        "label",
        "first_number",
        "colophon",
        "kinds",
        "last_number",
    ]
    list_display = ["slug", "title_named", "language", "label", "first_number", "last_number"]
    filter_horizontal = ["kinds"]
    readonly_fields = ["last_number"]
    actions = ["draft_next_issue"]
    title_named = named_column("", _("title"), ordering="title")

    def service_save(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Series:
        series, _created = services.series_create_or_update(
            actor=request.user,
            slug=obj.slug,
            title=obj.title,
            language=obj.language,
            label=obj.label,
            first_number=obj.first_number if "first_number" in form.changed_data else None,
            colophon=obj.colophon,
            kinds=form.cleaned_data["kinds"],
        )
        return series

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The kinds were set by the service; the form's own save_m2m would bypass it.
        pass

    @admin.action(description=_("Draft the next issue with everything not carried yet"))
    def draft_next_issue(self, request: HttpRequest, queryset: QuerySet[Series]) -> None:
        for series in queryset:
            try:
                draft = services.bulletin_draft(actor=request.user, series=series)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            self.message_user(request, draft_message(draft), messages.SUCCESS)


def draft_message(draft: Bulletin) -> SafeString:
    """What an editor is told of a new draft: the number it will get, and where it is."""
    language = current_language()
    count = draft.items.count()
    text = ngettext(
        "The next issue of %(series)s is drafted: it will be number %(number)s when "
        "published, and it proposes %(count)s item.",
        "The next issue of %(series)s is drafted: it will be number %(number)s when "
        "published, and it proposes %(count)s items.",
        count,
    ) % {
        "series": draft.series.title,
        "number": localize_digits(selectors.series_next_number(series=draft.series), language),
        "count": localize_digits(count, language),
    }
    url = reverse("admin:bulletins_bulletin_change", args=[draft.pk])
    return format_html('{} <a href="{}">{}</a>', text, url, _("Open the draft"))


CORRECTING = "correct"


def correcting(request: HttpRequest) -> bool:
    """Whether the page is a published issue's "correct this issue" form (?correct=1)."""
    return request.GET.get(CORRECTING) == "1"


def bulletin_editable(request: HttpRequest, bulletin: Bulletin | None) -> bool:
    """A draft is edited freely; a published issue only through "correct this issue"."""
    return bulletin is None or not bulletin.is_published or correcting(request)


class BulletinItemInline(NamedChoicesMixin, admin.StackedInline[BulletinItem, Bulletin]):
    model = BulletinItem
    extra = 0
    # Picked by typing its title, not its id (PublicationAdmin's search).
    autocomplete_fields = ["publication"]
    fields = [
        ("order", "mode"),
        "publication",
        "title",
        "text",
        "slogan",
        ("signatory", "date"),
    ]
    verbose_name_plural = _(
        "Items (set the order numbers to reorder; tick “Delete” to remove; empty fields "
        "take the publication's own)"
    )

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "date":
            return admin_date_field(db_field, required=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # A published issue's items change only while it is being corrected, like the issue.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bulletin_editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bulletin_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bulletin_editable(request, obj) and super().has_delete_permission(request, obj)

    def get_formset(self, request: HttpRequest, obj: Bulletin | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            _content_attrs(formset.form, ITEM_CONTENT_FIELDS, obj.series.language)
        return formset


class BulletinForm(forms.ModelForm[Any]):
    def clean(self) -> dict[str, Any]:
        """The period is checked as `nashr bulletin draft` checks it (a Jalali year for a
        Persian series), before the database's constraints see it."""
        data = super().clean() or self.cleaned_data
        series = data.get("series") or (self.instance.series if self.instance.pk else None)
        year, month = data.get("period_year"), data.get("period_month")
        if series is not None and year is not None and month is not None:
            try:
                services.bulletin_period_validate(year=year, month=month, language=series.language)
            except ApplicationError as exc:
                field = "period_year" if exc.where == "year" else "period_month"
                self.add_error(field, exc.message + (f" ({exc.hint})" if exc.hint else ""))
        return data


def _item_specs(formset: Any) -> list[services.ItemSpec]:
    """The items the inline formset keeps, in its order, as the service takes them."""
    specs = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        specs.append(
            services.ItemSpec(
                pk=data["id"].pk if data.get("id") else None,
                publication=data.get("publication"),
                order=data.get("order") or 0,
                mode=data.get("mode") or BulletinItem.Mode.FULL,
                title=data.get("title") or "",
                text=data.get("text") or "",
                slogan=data.get("slogan") or "",
                signatory=data.get("signatory"),
                date=data.get("date"),
            )
        )
    return specs


# A word of the issues' search read as a number: an issue's number or a year.
ISSUE_NUMBER = re.compile(r"[0-9]{1,9}")


@admin.register(Bulletin)
class BulletinAdmin(NamedChoicesMixin, SpellingSearchAdmin[Bulletin], ServiceSavedAdmin[Bulletin]):
    """Issues, in the order an editor meets them: draft the next issue (the list's button),
    edit it, publish it after a confirmation (the pending edits are saved first), then
    send it from its own page; a published issue is read-only until "correct this issue".
    """

    form = BulletinForm
    change_form_template = "admin/bulletins/bulletin/change_form.html"
    change_list_template = "admin/bulletins/bulletin/change_list.html"
    list_display = ["issue", "series_named", "number_display", "period", "status",
                    "edition_display", "published"]  # fmt: skip
    list_filter = [("series", NamedRelatedFilter), "status"]
    search_fields = [
        "editorial_title",
        "series__title",
        "items__title",
        "items__publication__title",
    ]
    inlines = [BulletinItemInline]
    actions = ["publish", "publish_correction"]
    fields = [
        "series",
        ("period_year", "period_month"),
        "editorial_title",
        "editorial_body",
        "correction_note",
        "publish_at",
        ("status", "number_display", "edition_display", "published", "corrected"),
    ]
    readonly_fields = ["status", "number_display", "edition_display", "published", "corrected"]

    published = datetime_column("published_at", _("published at"))
    corrected = datetime_column("corrected_at", _("corrected at"))
    series_named = named_column("series", _("series"), ordering="series__title")

    class Media:
        css = {"all": ("bulletins/admin/flow.css",)}

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Bulletin], search_term: str
    ) -> tuple[QuerySet[Bulletin], bool]:
        """A whole number typed in any digits is an issue's number (or its year), not text.

        The list names an issue «خبرنامه نشر ۲» (the series, then the number): searched
        so, it means issue 2 of that series, not every issue whose text holds a 2 (an
        item headlined «۲ زندانی», a year ۱۴۰۲). Other words are searched as text.
        """
        numbers: list[int] = []
        words: list[str] = []
        for word in smart_split(search_term):
            latin = to_latin_digits(word)
            if ISSUE_NUMBER.fullmatch(latin):
                numbers.append(int(latin))
            else:
                words.append(word)
        found, duplicates = super().get_search_results(request, queryset, " ".join(words))
        for number in numbers:
            found = found.filter(models.Q(number=number) | models.Q(period_year=number))
        return found, duplicates

    @admin.display(description=_("number"), ordering="number")
    def number_display(self, obj: Bulletin) -> str:
        return "—" if obj.number is None else localize_digits(obj.number, current_language())

    @admin.display(description=_("edition"), ordering="edition")
    def edition_display(self, obj: Bulletin) -> str:
        return localize_digits(obj.edition, current_language())

    def has_change_permission(self, request: HttpRequest, obj: Bulletin | None = None) -> bool:
        if obj is not None and not bulletin_editable(request, obj):
            return False
        if (
            obj is not None
            and obj.is_published
            and not request.user.has_perm("bulletins.publish_bulletin")
        ):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "publish_at":
            # Typed in the admin's calendar and the site's time zone, stored in UTC.
            return admin_datetime_field(
                label=_("publish at"),
                required=False,
                help_text=_("The task worker publishes the draft at this time."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Bulletin | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            _content_attrs(form, EDITORIAL_FIELDS, obj.series.language)
            if "period_year" in form.base_fields:
                form.base_fields["period_year"].widget = LocalDigitsInput()
            if "period_month" in form.base_fields:
                # Months by their names in the series' calendar, not a bare number.
                names = month_names(obj.series.language)
                form.base_fields["period_month"].widget = forms.Select(
                    choices=list(enumerate(names, 1)),
                    attrs={"lang": obj.series.language, "dir": direction(obj.series.language)},
                )
        return form

    def get_fields(self, request: HttpRequest, obj: Bulletin | None = None) -> Any:
        fields = list(super().get_fields(request, obj))
        if obj is None or not obj.is_published:
            # A correction note belongs to a corrected edition.
            fields.remove("correction_note")
        else:
            # Fixed once published: the month as the series writes it ("May 2024").
            fields[fields.index(("period_year", "period_month"))] = "period"
        return fields

    def service_save(
        self, request: HttpRequest, obj: Bulletin, form: Any, change: bool
    ) -> Bulletin:
        data = form.cleaned_data
        if not change:
            obj = services.bulletin_draft(
                actor=request.user,
                series=data["series"],
                year=data["period_year"],
                month=data["period_month"],
                editorial_title=data.get("editorial_title", ""),
                editorial_body=data.get("editorial_body", ""),
                propose=False,
            )
            if not data.get("correction_note") and not data.get("publish_at"):
                return obj
        else:
            # Compared once the items are saved too (`save_related`).
            stored = Bulletin.objects.filter(pk=obj.pk).values_list("publish_at", flat=True)
            form.scheduled_before = stored.first()
        changes = {name: data[name] for name in form.changed_data if name in data}
        changes.pop("series", None)
        publish_at = changes.pop("publish_at", False)
        updated = services.bulletin_update(
            actor=request.user,
            bulletin=obj,
            series=data["series"] if "series" in form.changed_data else None,
            **changes,
        )
        if publish_at is not False:
            updated = services.bulletin_schedule(
                actor=request.user, bulletin=updated, publish_at=publish_at
            )
        return updated

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        form.save_m2m()
        for formset in formsets:
            if formset.model is not BulletinItem:
                continue
            services.bulletin_items_set(
                actor=request.user, bulletin=form.instance, items=_item_specs(formset)
            )
            # What the admin's change message lists; the service replaced the items whole.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if getattr(form, "scheduled_before", None) is not None:
            bulletin = Bulletin.objects.filter(pk=form.instance.pk)
            if not bulletin.filter(publish_at__isnull=False).exists():
                self.message_user(request, UNSCHEDULED, messages.WARNING)

    # The series' name and the issue's number, as the series writes them.
    issue = named_column("", _("issue"), ordering="pk")

    @admin.display(description=_("period"))
    def period(self, obj: Bulletin) -> SafeString:
        # The period is the issue's own (its title's month, in the series' calendar): written
        # as the series writes it, "May 2024" in an English series, «آبان ۱۴۰۲» in a Persian.
        language = obj.series.language
        return format_html(
            "<span {}>{}</span>",
            content_attrs(language),
            format_month(obj.period_year, obj.period_month, language),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Bulletin | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_published:
            fields += ["series", "period"]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Bulletin | None = None) -> bool:
        if obj is not None and not services.bulletin_deletable(bulletin=obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Bulletin) -> None:
        services.bulletin_delete(actor=request.user, bulletin=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Bulletin]) -> None:
        for bulletin in queryset.select_related("series"):
            try:
                with transaction.atomic():
                    services.bulletin_delete(actor=request.user, bulletin=bulletin)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.ERROR)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Bulletin]:
        return super().get_queryset(request).select_related("series")

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Bulletin]) -> None:
        for bulletin in queryset.exclude(status=BulletinStatus.DRAFT).select_related("series"):
            self.message_user(
                request,
                _(
                    "%(bulletin)s is already published; to change it, edit it and publish a "
                    "corrected edition."
                )
                % {"bulletin": bulletin},
                messages.WARNING,
            )
        for bulletin in queryset.filter(status=BulletinStatus.DRAFT).order_by("id"):
            try:
                published = services.bulletin_publish(actor=request.user, bulletin=bulletin)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            self.message_user(request, published_message(published), messages.SUCCESS)

    @admin.action(description=_("Publish a corrected edition of the selected issues"))
    def publish_correction(self, request: HttpRequest, queryset: QuerySet[Bulletin]) -> None:
        for bulletin in queryset.exclude(status=BulletinStatus.PUBLISHED).select_related("series"):
            self.message_user(
                request,
                _("Draft %(id)s is not published yet, so there is nothing to correct; publish it.")
                % {"id": bulletin.pk},
                messages.WARNING,
            )
        count = 0
        for bulletin in queryset.filter(status=BulletinStatus.PUBLISHED):
            try:
                services.bulletin_correct(
                    actor=request.user, bulletin=bulletin, note=bulletin.correction_note
                )
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            count += 1
        if count:
            self.message_user(
                request,
                ngettext("%(count)s issue corrected.", "%(count)s issues corrected.", count)
                % {"count": localize_digits(count, current_language())},
                messages.SUCCESS,
            )

    def get_urls(self) -> list[URLPattern]:
        def view(function: Any) -> Any:
            return self.admin_site.admin_view(function)

        return [
            path("draft/", view(self.draft_view), name="bulletins_bulletin_draft"),
            path(
                "<int:pk>/preview/<str:fmt>/", view(self.preview), name="bulletins_bulletin_preview"
            ),
            path("<int:pk>/publish/", view(self.publish_one), name="bulletins_bulletin_publish"),
            path(
                "<int:pk>/steps/preview/",
                view(self.preview_step),
                name="bulletins_bulletin_step_preview",
            ),
            *super().get_urls(),
        ]

    def _page(self, request: HttpRequest, title: Any, **context: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **context,
        }

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """An issue starts as the draft of the series' next one (the draft page)."""
        return HttpResponseRedirect(reverse("admin:bulletins_bulletin_draft"))

    def draft_view(self, request: HttpRequest) -> HttpResponse:
        """Draft the next issue of a series: every publication not carried yet, proposed."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            series = Series.objects.filter(pk=request.POST.get("series") or 0).first()
            if series is None:
                return HttpResponseRedirect(request.path)
            try:
                draft = services.bulletin_draft(actor=request.user, series=series)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(request.path)
            self.message_user(request, draft_message(draft), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:bulletins_bulletin_change", args=[draft.pk]))
        language = current_language()
        choices = [
            {
                "series": series,
                "next_number": localize_digits(
                    selectors.series_next_number(series=series), language
                ),
                "drafts": localize_digits(
                    series.bulletins.filter(status=BulletinStatus.DRAFT).count(), language
                ),
                "open_drafts": [
                    (draft, format_month(draft.period_year, draft.period_month, series.language))
                    for draft in series.bulletins.filter(status=BulletinStatus.DRAFT).order_by(
                        "-id"
                    )
                ],
            }
            for series in selectors.series_list()
        ]
        context = self._page(request, _("Draft the next issue"), choices=choices)
        return TemplateResponse(request, "admin/bulletins/bulletin/draft.html", context)

    def preview(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        """The issue as readers will get it; a draft as it would read if published now."""
        bulletin = get_object_or_404(Bulletin.objects.select_related("series"), pk=pk)
        if not self.has_view_permission(request, bulletin) or fmt not in PREVIEW_FORMATS:
            return HttpResponse(status=404)
        if fmt == "html":
            from nashr.bulletins.views import render_issue

            response = render_issue(request, bulletin=bulletin)
        elif fmt == "pdf":
            response = HttpResponse(
                rendering.bulletin_pdf(bulletin=bulletin), content_type="application/pdf"
            )
            response["Content-Disposition"] = f'inline; filename="bulletin-{bulletin.pk}.pdf"'
        else:
            content = rendering.bulletin_email_content(
                bulletin=bulletin, unsubscribe_url=SAMPLE_UNSUBSCRIBE, manage_url=SAMPLE_MANAGE
            )
            if fmt == "text":
                response = HttpResponse(content.text, content_type="text/plain; charset=utf-8")
            else:
                response = HttpResponse(content.html, content_type="text/html; charset=utf-8")
        # Shown as readers get it: the admin's digit rewriting stays out.
        response.keeps_its_digits = True  # type: ignore[attr-defined]  # read by the admin site
        return response

    def publish_one(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Publishing asks first: the number it gets, and that the text is then frozen."""
        bulletin = get_object_or_404(Bulletin.objects.select_related("series"), pk=pk)
        change_url = reverse("admin:bulletins_bulletin_change", args=[pk])
        if bulletin.is_published:
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            # The service decides who may publish; a refusal is the page's message.
            self.publish(request, Bulletin.objects.filter(pk=pk))
            bulletin.refresh_from_db()
            next_url = flow.step_url(bulletin=bulletin, name=flow.SEND)
            if next_url and request.user.has_perm("delivery.send_bulletin"):
                return HttpResponseRedirect(next_url)
            return HttpResponseRedirect(change_url)
        language = current_language()
        context = self._page(
            request,
            _("Publish this issue?"),
            bulletin=bulletin,
            flow_steps=flow.flow_steps(bulletin=bulletin, current=flow.PUBLISH),
            next_number=localize_digits(
                selectors.series_next_number(series=bulletin.series), language
            ),
            items=localize_digits(bulletin.items.count(), language),
            period_text=self.period(bulletin),
            change_url=change_url,
            confirm_label=_("Yes, publish it"),
            back_url=change_url,
            back_label=_("No, back to the draft"),
        )
        return TemplateResponse(request, "admin/bulletins/bulletin/publish_confirm.html", context)

    def response_change(self, request: HttpRequest, obj: Bulletin) -> HttpResponse:
        """After saving: "publish" goes on to the confirmation, "correct" publishes the
        corrected edition of what was just saved."""
        if "_publish" in request.POST:
            return HttpResponseRedirect(reverse("admin:bulletins_bulletin_publish", args=[obj.pk]))
        if "_preview" in request.POST:
            return HttpResponseRedirect(flow.step_url(bulletin=obj, name=flow.PREVIEW))
        if "_correct" in request.POST and obj.is_published:
            self.publish_correction(request, Bulletin.objects.filter(pk=obj.pk))
            return HttpResponseRedirect(reverse("admin:bulletins_bulletin_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Bulletin | None = None,
    ) -> HttpResponse:
        # An issue is added as a draft of the next one (draft_view), never from this form.
        context["show_save_and_add_another"] = False
        context["correcting"] = correcting(request)
        context["may_publish"] = request.user.has_perm("bulletins.publish_bulletin")
        context["may_send"] = request.user.has_perm("delivery.send_bulletin")
        if obj is not None:
            context["flow_steps"] = flow.flow_steps(bulletin=obj, current=flow.ITEMS)
            context["preview_step_url"] = flow.step_url(bulletin=obj, name=flow.PREVIEW)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def preview_step(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The preview step: the issue in each format readers get, then on to publishing
        (a draft) or to sending (a published issue)."""
        bulletin = get_object_or_404(Bulletin.objects.select_related("series"), pk=pk)
        if not self.has_view_permission(request, bulletin):
            raise PermissionDenied
        if bulletin.is_published:
            next_name, next_label = flow.SEND, _("Next: send")
            may_go_on = request.user.has_perm("delivery.send_bulletin")
        else:
            next_name, next_label = flow.PUBLISH, _("Next: publish")
            may_go_on = request.user.has_perm("bulletins.publish_bulletin")
        formats = [
            ("html", _("Web page")),
            ("email", _("Email")),
            ("text", _("Email as text")),
            ("pdf", _("PDF")),
        ]
        context = self._page(
            request,
            _("Preview of %(issue)s") % {"issue": self.issue_name(bulletin)},
            bulletin=bulletin,
            flow_steps=flow.flow_steps(bulletin=bulletin, current=flow.PREVIEW),
            previews=[
                (label, reverse("admin:bulletins_bulletin_preview", args=[pk, fmt]))
                for fmt, label in formats
            ],
            items_url=flow.step_url(bulletin=bulletin, name=flow.ITEMS),
            next_url=flow.step_url(bulletin=bulletin, name=next_name) if may_go_on else "",
            next_label=next_label,
        )
        return TemplateResponse(request, "admin/bulletins/bulletin/step_preview.html", context)

    def issue_name(self, bulletin: Bulletin) -> str:
        """The series and the period ("Nashr Bulletin — November 2023"): a draft has no number."""
        return f"{bulletin.series.title} — {self.period(bulletin)}"


def _register_flow_link() -> None:
    """The admin's front page leads to the next issue's flow (Nashr's admin site lists it)."""
    add_link = getattr(admin.site, "add_index_link", None)
    if add_link is not None:
        add_link(
            IndexLink(
                label=_("Next bulletin"),
                url_name="admin:bulletins_bulletin_draft",
                permission="bulletins.add_bulletin",
                description=_(
                    "Draft the next issue or continue a draft: items, preview, publish, send."
                ),
            )
        )


_register_flow_link()


def published_message(bulletin: Bulletin) -> str:
    """What an editor is told when an issue is published."""
    return _("Published as number %(number)s.") % {
        "number": localize_digits(bulletin.number or 0, current_language())
    }
