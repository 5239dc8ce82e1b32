from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nashr.bulletins.models import Series
from nashr.subscribers import selectors


class SeriesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Series) -> str:
        return obj.title


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    series = SeriesChoiceField(
        label=_("Bulletins"),
        queryset=Series.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one bulletin.")},
    )
    # A field people never see; bots that fill every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: object, language: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = selectors.series_for_form()
        field = self.fields["series"]
        assert isinstance(field, SeriesChoiceField)
        field.queryset = choices
        if not self.is_bound:
            field.initial = [one.pk for one in choices if one.language == language]

    def series_choices(self) -> list[Series]:
        field = self.fields["series"]
        assert isinstance(field, SeriesChoiceField)
        return list(field.queryset or [])

    def selected_ids(self) -> set[str]:
        value = self["series"].value() or []
        return {str(pk) for pk in value}
