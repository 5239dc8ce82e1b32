"""`{% subscribe_form %}`: the subscribe form for the footer of every public page."""

from __future__ import annotations

from typing import Any

from django import template

from nashr.core.languages import current_language
from nashr.subscribers.forms import SubscribeForm

register = template.Library()


@register.inclusion_tag("subscribers/_form.html")
def subscribe_form(prefix: str = "footer") -> dict[str, Any]:
    language = current_language()
    form = SubscribeForm(language=language, auto_id=f"{prefix}-%s")
    return {"form": form, "prefix": prefix, "compact": True}
