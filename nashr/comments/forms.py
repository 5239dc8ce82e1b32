"""The reader's comment form: no CSRF token (pages are cached whole), a honeypot."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nashr.comments.services import BODY_MAX, NAME_MAX


class CommentForm(forms.Form):
    name = forms.CharField(label=_("Name (a pseudonym is fine)"), max_length=NAME_MAX)
    body = forms.CharField(label=_("Comment"), max_length=BODY_MAX, widget=forms.Textarea)
    email = forms.EmailField(
        label=_("Email (optional: only to be told of replies; never shown)"), required=False
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Left empty by people (the field is hidden from them and from screen readers);
    # filled by bots that fill every field.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    # The solved proof of work, written by the script when the reader's browser runs it.
    altcha = forms.CharField(required=False, widget=forms.HiddenInput)
