from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nashr.bulletins.models import Series
from nashr.core.forms import NamedCheckboxSelectMultiple
from nashr.subscribers import selectors
from nashr.subscribers.models import Subscriber


class SeriesChoiceField(forms.ModelMultipleChoiceField[Series]):
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
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature, passed on whole
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


class SubscriberAddForm(forms.ModelForm[Subscriber]):
    """The admin's form for adding an address by hand (saved by `subscriber_add`)."""

    lists = SeriesChoiceField(
        label=_("Bulletins"),
        queryset=Series.objects.none(),
        widget=NamedCheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one bulletin.")},
    )
    requested = forms.BooleanField(
        label=_("The person asked to be added"),
        required=False,
        help_text=_(
            "Tick this only if the person asked you to add them (in writing, in person or "
            "on the phone): their subscription is then confirmed at once. Otherwise they "
            "are mailed a confirmation link and receive nothing until they follow it."
        ),
    )

    class Meta:
        model = Subscriber
        fields = ["email", "language"]
        help_texts = {
            "email": _(
                "Your user name and the date and time are recorded as the basis of this "
                "person's consent."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lists"]
        assert isinstance(field, SeriesChoiceField)
        field.queryset = selectors.series_for_form()
