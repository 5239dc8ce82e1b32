"""Uploading images and attachments in the admin; the service cleans or refuses them.

After an upload the editor is told what was removed from the file (a GPS position, a
camera's serial number...), and the change page shows it, with the Markdown reference
to paste into a publication.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from nashr.core.admin import ServiceSavedAdmin, SpellingSearchAdmin, datetime_column, named_column
from nashr.core.bidi import direction
from nashr.core.calendars import format_list, format_number, localize_digits
from nashr.core.exceptions import ApplicationError, StateError, ValidationError
from nashr.core.languages import current_language, default_language
from nashr.media import services
from nashr.media.models import Media, MediaKind
from nashr.media.processing import DOCUMENT_EXTENSIONS, IMAGE_EXTENSIONS

ACCEPT = ",".join(f".{ext}" for ext in (*IMAGE_EXTENSIONS, *DOCUMENT_EXTENSIONS))


class MediaForm(forms.ModelForm[Media]):
    upload = forms.FileField(
        label=_("file"),
        help_text=_(
            "A JPEG, PNG or WebP image, or a PDF. Location, camera and author data are "
            "removed before it is stored."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = Media
        fields = ["upload", "title", "language", "alt_text"]
        widgets = {"alt_text": forms.Textarea(attrs={"rows": 3, "cols": 60, "dir": "auto"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.instance.language if self.instance.pk else self.initial.get("language")
        if language:
            self.fields["alt_text"].widget.attrs.update(
                {"lang": language, "dir": direction(language)}
            )
        if self.instance.pk:
            del self.fields["upload"]
        # A PDF has no alt text, so nothing to say the language of; an image's alt
        # text needs it (clean).
        self.fields["language"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if (data.get("alt_text") or "").strip() and not data.get("language"):
            self.add_error("language", _("Choose the language the alt text is written in."))
        return data

    def validate_unique(self) -> None:
        pass


@admin.register(Media)
class MediaAdmin(SpellingSearchAdmin[Media], ServiceSavedAdmin[Media]):
    form = MediaForm
    list_display = ("preview", "title_named", "kind", "language", "uploaded")
    list_filter = ("kind", "language")
    search_fields = ("title", "alt_text")
    # Asks, naming the texts that use the file, before deleting it (delete_view).
    delete_confirmation_template = "admin/media/media/delete_confirmation.html"
    CONFIRM_USED = "confirm_used"
    title_named = named_column("", _("title"), ordering="title")

    def get_fields(self, request: HttpRequest, obj: Media | None = None) -> Any:
        fields = ["title", "language", "alt_text"]
        if obj is None:
            return ["upload", *fields]
        return [*fields, "preview", "reference", "removed_display", "dimensions"]

    def get_readonly_fields(self, request: HttpRequest, obj: Media | None = None) -> Any:
        return ["preview", "reference", "removed_display", "dimensions"]

    def service_save(
        self, request: HttpRequest, obj: Media, form: forms.ModelForm[Media], change: bool
    ) -> Media:
        data = form.cleaned_data
        if change:
            stored = Media.objects.get(pk=obj.pk)
            changes = {name: data[name] for name in form.changed_data if name in data}
            if "language" in changes and not changes["language"]:
                del changes["language"]  # left empty: the language stays as it was
            return services.media_update(actor=request.user, media=stored, **changes)
        upload = data["upload"]
        try:
            media = services.media_upload(
                actor=request.user,
                name=upload.name,
                data=upload.read(),
                title=data["title"],
                # A file without alt text (a PDF): the site's language, for the record.
                language=data["language"] or default_language(),
                alt_text=data.get("alt_text", ""),
            )
        except ValidationError as exc:
            if exc.where == "alt_text":
                raise
            raise ValidationError(
                f"“{upload.name}”: {exc.message}", where="upload", hint=exc.hint
            ) from exc
        removed = services.removed_labels(media)
        if removed:
            self.message_user(
                request,
                _("Removed from the file: %(removed)s.")
                % {"removed": format_list(removed, current_language())},
                messages.INFO,
            )
        return media

    @admin.display(description=_("preview"))
    def preview(self, media: Media) -> str:
        if media.kind != MediaKind.IMAGE or not media.variants:
            return format_html('<a href="{}">{}</a>', default_storage.url(media.file.name), "PDF")
        small = media.web_variants("JPEG") or media.web_variants("PNG")
        return format_html(
            '<img src="{}" alt="{}" lang="{}" dir="{}" width="120" style="height:auto">',
            default_storage.url(small[0]["name"]),
            media.alt_text,
            media.language,
            media.direction,
        )

    @admin.display(description=_("Markdown reference"))
    def reference(self, media: Media) -> str:
        return format_html('<code dir="ltr">{}</code>', media.reference)

    @admin.display(description=_("metadata removed at upload"))
    def removed_display(self, media: Media) -> str:
        labels = services.removed_labels(media)
        if not labels:
            return str(_("none found"))
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((x,) for x in labels))
        )

    uploaded = datetime_column("created_at", _("uploaded at"))

    @admin.display(description=_("size"))
    def dimensions(self, media: Media) -> str:
        language = current_language()
        size = _("%(kilobytes)s kB") % {"kilobytes": format_number(media.size // 1000, language)}
        if media.width and media.height:
            return _("%(width)s×%(height)s pixels, %(size)s") % {
                "width": localize_digits(media.width, language),
                "height": localize_digits(media.height, language),
                "size": size,
            }
        return size

    # ---- deleting: through the service, which refuses a used file unless confirmed ----

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        media = self.get_object(request, object_id)
        used_by = services.media_user_names(media_id=media.pk) if media is not None else []
        if request.method == "POST" and used_by and request.POST.get(self.CONFIRM_USED) != "yes":
            self.message_user(
                request,
                _("“%(media)s” is still used. Tick the box to delete it all the same.")
                % {"media": media},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        context = {**(extra_context or {}), "used_by": used_by, "confirm_used": self.CONFIRM_USED}
        return super().delete_view(request, object_id, context)

    def delete_model(self, request: HttpRequest, obj: Media) -> None:
        try:
            services.media_delete(
                actor=request.user,
                media=obj,
                confirmed=request.POST.get(self.CONFIRM_USED) == "yes",
            )
        except ApplicationError as exc:
            # delete_view asks first; this is a race with an editor who used it meanwhile.
            raise PermissionDenied(str(exc)) from exc

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Media]) -> None:
        """Delete the files no text uses; name the others, which are kept (one at a time,
        each on its own page, they can be deleted all the same)."""
        kept: list[str] = []
        with transaction.atomic():
            for media in queryset:
                try:
                    services.media_delete(actor=request.user, media=media)
                except StateError:  # used by texts: refused, as it names them
                    kept.append(str(media))
        if kept:
            self.message_user(
                request,
                _("Kept, because texts use them: %(files)s. Delete each from its own page.")
                % {"files": format_list(kept, current_language())},
                messages.WARNING,
            )
