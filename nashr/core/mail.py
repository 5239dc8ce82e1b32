"""The addresses Nashr's own mail is sent from."""

from __future__ import annotations

import email.utils
import secrets

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


def mail_domain() -> str:
    """The domain of the From address: the right-hand side of Nashr's Message-IDs."""
    return email.utils.parseaddr(from_address())[1].rpartition("@")[2] or "nashr.invalid"


def message_id_new() -> str:
    """A Message-ID of 128 random bits, `<{32 hex digits}@{domain}>`.

    It names nothing: not the server (Django's default carries the host name, process id
    and time), not an issue, not a reader. A delivery row draws its own the same way in
    SQL (nashr.delivery.services.SQL_TOKEN).
    """
    return f"<{secrets.token_hex(16)}@{mail_domain()}>"
