"""The editorial admin's forms: they parse what was typed; the services judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from nashr.core.spelling import validate_slug
from nashr.media.processing import DOCUMENT_EXTENSIONS, IMAGE_EXTENSIONS
from nashr.publications.models import Publication

UPLOAD_ACCEPT = ",".join(f".{ext}" for ext in (*IMAGE_EXTENSIONS, *DOCUMENT_EXTENSIONS))


class ServiceModelForm(forms.ModelForm[Any]):
    """A model form whose uniqueness and constraints are checked by the service.

    The service says what is taken and what to do (“legacy path … already leads to
    another publication”) and shows it on the field; Django's own check would run first
    with a vaguer message. The database's constraints stay the last guard.
    """

    def validate_unique(self) -> None:
        pass


# The name of the hidden input beside the insert field that upload.js sets to the cursor's
# place in the body (a hidden field of its own would have a label pointing at nothing).
INSERT_AT = "insert_at"


class InsertFileInput(forms.ClearableFileInput):
    """The file input of "insert", with the hidden input the cursor's place is written to."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        rendered = super().render(name, value, attrs, renderer)
        companion = format_html('<input type="hidden" name="{0}" id="id_{0}">', INSERT_AT)
        return format_html("{}{}", rendered, companion)


class PublicationForm(ServiceModelForm):
    source_url = forms.URLField(
        label=_("source URL"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    up_to_date = forms.BooleanField(
        label=_("This translation now matches the original"),
        required=False,
        help_text=_(
            "Tick when the translation says what the current revision of the original says; "
            "it is then no longer listed as outdated."
        ),
    )

    # An image or a PDF uploaded with the save (the media service cleans it) and its
    # reference added to the body: at the cursor where the browser runs `upload.js`
    # (`insert_at`), else at the end. Saving needs no script.
    insert_file = forms.FileField(
        label=_("insert an image or a PDF"),
        required=False,
        help_text=_(
            "Chosen here, it is uploaded when you save, cleaned of location, camera and "
            "author data, and its reference is added to the body (at the cursor, or at the "
            "end)."
        ),
        widget=InsertFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    insert_text = forms.CharField(
        label=_("what the image shows, or the PDF's link text"),
        required=False,
        max_length=200,
        help_text=_(
            "Required for an image (read to those who cannot see it); in the body's language."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        # The cursor's place, written by upload.js into the file field's hidden companion.
        raw = str(self.data.get(INSERT_AT, "")).strip()
        cleaned[INSERT_AT] = int(raw) if raw.isdigit() else None
        return cleaned

    class Meta:
        model = Publication
        fields = [
            "language",
            "translation_of",
            "kind",
            "title",
            "slug",
            "summary",
            "body",
            "signatory",
            "date",
            "date_shown",
            "status",
            "publish_at",
            "source_url",
            "legacy_path",
        ]
        # A slug may be Persian or Latin; a path is always written left to right.
        widgets = {
            "slug": forms.TextInput(attrs={"dir": "auto"}),
            "legacy_path": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Persian slugs keep their half-spaces (core.spelling), which Django's unicode
            # slug rule refuses.
            self.fields["slug"].validators = [validate_slug]
        if "date_shown" in self.fields:
            # A form posted without it (an older page, a script) keeps the date it bears.
            self.fields["date_shown"].required = False

    def _get_validation_exclusions(self) -> set[str]:
        # The model's SlugField would check the slug again with Django's rule.
        # Django's private hook (stable since 1.2, untyped in the stubs).
        return {*super()._get_validation_exclusions(), "slug"}  # type: ignore[misc]

    def clean_date_shown(self) -> str:
        return str(self.cleaned_data.get("date_shown") or self.instance.date_shown)

    def clean_legacy_path(self) -> str | None:
        value = (self.cleaned_data.get("legacy_path") or "").strip()
        return value or None


def insert_reference(body: str, reference: str, *, at: int | None) -> str:
    """`body` with `reference` as a paragraph of its own, at character `at` (the cursor,
    counted with one character per line break) or, without it, at the end.

    On a line of its own, the reference reads left to right in a right-to-left body
    (the editor's box orders each line by its first letter), and Markdown shows an
    image as a block. The body's line breaks (the browser's CRLF) are kept.
    """
    crlf = "\r\n" in body
    text = body.replace("\r\n", "\n")
    if at is None or at > len(text):
        at = len(text)
    before, after = text[:at].rstrip("\n"), text[at:].lstrip("\n")
    parts = [part for part in (before, reference, after) if part]
    joined = "\n\n".join(parts) + ("" if after else "\n")
    return joined.replace("\n", "\r\n") if crlf else joined
