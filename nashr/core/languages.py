"""The languages Nashr publishes in, and the one the current request or command speaks.

Interface language and content language are separate things: ``current_language()`` is
the interface's (the /fa/ or /en/ prefix, the admin's language); a publication's own
``language`` field says what its text is written in, and decides its direction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from nashr.core.exceptions import ValidationError


class Language(models.TextChoices):
    PERSIAN = "fa", _("Persian")
    ENGLISH = "en", _("English")


def base_language(code: str | None) -> str:
    """ "fa" for "fa-IR", "en" for "en-us"; the site's default language for nothing."""
    return (code or settings.LANGUAGE_CODE).split("-")[0].lower()


def current_language() -> str:
    """The interface language now active, as a base code ("fa", "en").

    Where translation is switched off (some management commands), the site's default
    language, so that a page rendered from a command reads as the site's first language.
    """
    return base_language(get_language())


def check_language(language: str, *, where: str = "language") -> str:
    """`language` if Nashr publishes in it, else a ValidationError naming `where`."""
    if language not in Language.values:
        raise ValidationError(
            f"unknown language “{language}”",
            where=where,
            hint=f"use one of: {', '.join(Language.values)}",
        )
    return language
