"""Template helpers for publications: their address, and kinds and signatories named in a language.

``{% load publications %}``; the language helpers for any content are in ``nashr``.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

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
