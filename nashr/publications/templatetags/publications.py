"""Template helpers for publications: their address, and kinds and signatories named in a language.

``{% load publications %}``; the language helpers for any content are in ``nashr``.
"""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from nashr.core.templatetags.nashr import language_or_current
from nashr.publications.models import Kind, Publication, Signatory

register = template.Library()


@register.filter
def kind_name(kind: Kind, language: str | None = None) -> str:
    """The kind's name in `language` (default: the page's): "بیانیه", "Statement"."""
    return kind.name(language_or_current(language))


@register.filter
def kind_plural(kind: Kind, language: str | None = None) -> str:
    return kind.plural(language_or_current(language))


@register.filter
def signatory_name(signatory: Signatory, language: str | None = None) -> str:
    return signatory.name(language_or_current(language))


@register.simple_tag
def publication_url(publication: Publication) -> str:
    """The publication's page in the interface language of the page being rendered."""
    return reverse(
        "publications:detail", kwargs={"pk": publication.pk, "slug": publication.slug or "-"}
    )


# `![alt](media:12)` or `[text](media:13)` as typed in Markdown.
_REFERENCE = re.compile(r"!?\[[^\]\n]*\]\(media:[^)\s]*\)")


@register.filter
def references_isolated(text: str) -> SafeString:
    """Markdown source, escaped, each `media:` reference isolated left to right.

    In a right-to-left text, `![](media:1)` would read «(media:1)[]!»: the brackets take
    the direction around them. The stored text is not changed, only its display. As
    code (which `core.htmldigits` leaves as typed) its digits stay those of the text.
    """
    escaped = str(escape(text))
    return mark_safe(  # escaped above; the isolates are fixed markup
        _REFERENCE.sub(
            lambda found: str(
                format_html(
                    '<code dir="ltr" class="nashr-reference">{}</code>', mark_safe(found[0])
                )
            ),
            escaped,
        )
    )
