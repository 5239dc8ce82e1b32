"""The addresses Nashr's own mail is sent from."""

from __future__ import annotations

from django.conf import settings

from nashr.core.text import check_one_line


def from_address() -> str:
    """The From address of bulletins and of the mail readers get about them.

    NASHR_BULLETIN_FROM_EMAIL when it is set, else Django's DEFAULT_FROM_EMAIL: the
    confirmation mail and the issues come from one address, so a reader who allowed one
    receives the other.
    """
    if settings.NASHR_BULLETIN_FROM_EMAIL:
        return check_one_line(
            str(settings.NASHR_BULLETIN_FROM_EMAIL), where="NASHR_BULLETIN_FROM_EMAIL"
        )
    return check_one_line(str(settings.DEFAULT_FROM_EMAIL), where="DEFAULT_FROM_EMAIL")
