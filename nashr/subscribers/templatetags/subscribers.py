"""`{% subscribe_form %}`: the subscribe form for the footer of every public page."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from nashr.core.languages import current_language
from nashr.core.preload import active_preload
from nashr.subscribers.forms import SubscribeForm
from nashr.subscribers.selectors import SubscribeFormPreload

register = template.Library()


@register.simple_tag
def subscribe_form(prefix: str = "footer") -> SafeString:
    """The form (subscribers/_form.html) in the interface language, once per language while
    a ``SubscribeFormPreload`` is active."""
    language = current_language()
    preload = active_preload(SubscribeFormPreload)
    if preload is not None and (language, prefix) in preload.rendered:
        return preload.rendered[(language, prefix)]
    form = SubscribeForm(language=language, auto_id=f"{prefix}-%s")
    context = {"form": form, "prefix": prefix, "compact": True}
    # The template's own escaping made it safe.
    rendered = mark_safe(render_to_string("subscribers/_form.html", context))
    if preload is not None:
        preload.rendered[(language, prefix)] = rendered
    return rendered
