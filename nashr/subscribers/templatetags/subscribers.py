"""`{% subscribe_form %}`: the subscribe form for the footer of every public page;
`{% subscribe_by_mail %}`: in the mirror, the mailto: links that subscribe by mail."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from nashr.core.languages import current_language
from nashr.core.preload import active_preload
from nashr.subscribers import mailcommands
from nashr.subscribers.forms import SubscribeForm
from nashr.subscribers.selectors import SubscribeFormPreload, series_for_form

register = template.Library()


def _by_mail(mirror_mode: str) -> list[tuple[Any, str]]:
    """(series, mailto: link) for each list, in the mirror with a list address; else [].

    The mirror's readers may not reach the site the form posts to, but can reach mail.
    """
    if not (mirror_mode and mailcommands.list_address()):
        return []
    return [
        (one, mailcommands.list_mailto(mailcommands.command_text(mailcommands.SUBSCRIBE, one.slug)))
        for one in series_for_form()
    ]


@register.simple_tag(takes_context=True)
def subscribe_form(context: template.Context, prefix: str = "footer") -> SafeString:
    """The form (subscribers/_form.html) in the interface language, once per language while
    a ``SubscribeFormPreload`` is active; in the mirror, with the links to subscribe by mail."""
    language = current_language()
    mirror_mode = str(context.get("mirror_mode") or "")
    key = (language, f"{prefix}:{mirror_mode}")
    preload = active_preload(SubscribeFormPreload)
    if preload is not None and key in preload.rendered:
        return preload.rendered[key]
    form = SubscribeForm(language=language, auto_id=f"{prefix}-%s")
    values = {"form": form, "prefix": prefix, "compact": True, "by_mail": _by_mail(mirror_mode)}
    # The template's own escaping made it safe.
    rendered = mark_safe(render_to_string("subscribers/_form.html", values))
    if preload is not None:
        preload.rendered[key] = rendered
    return rendered


@register.simple_tag(takes_context=True)
def subscribe_by_mail(context: template.Context, prefix: str = "note") -> SafeString:
    """The links to subscribe by mail alone (the mirror's note that replaces the form),
    once per language while a ``SubscribeFormPreload`` is active."""
    language = current_language()
    mirror_mode = str(context.get("mirror_mode") or "")
    key = (language, f"{prefix}:{mirror_mode}:by-mail")
    preload = active_preload(SubscribeFormPreload)
    if preload is not None and key in preload.rendered:
        return preload.rendered[key]
    values = {"by_mail": _by_mail(mirror_mode), "prefix": prefix}
    rendered = mark_safe(render_to_string("subscribers/_by_mail.html", values))
    if preload is not None:
        preload.rendered[key] = rendered
    return rendered
