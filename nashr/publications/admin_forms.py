"""The editorial admin's forms: they parse what was typed; the services judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nashr.core.spelling import validate_slug
from nashr.publications.models import Publication


class ServiceModelForm(forms.ModelForm[Any]):
    """A model form whose uniqueness and constraints are checked by the service.

    The service says what is taken and what to do (“legacy path … already leads to
    another publication”) and shows it on the field; Django's own check would run first
    with a vaguer message. The database's constraints stay the last guard.
    """

    def validate_unique(self) -> None:
        pass


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
        return self.cleaned_data.get("date_shown") or self.instance.date_shown

    def clean_legacy_path(self) -> str | None:
        value = (self.cleaned_data.get("legacy_path") or "").strip()
        return value or None
