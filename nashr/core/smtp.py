"""Django's SMTP mail backend with Nashr's DKIM signature: the default EMAIL_BACKEND.

Every mail the site sends through Django (a subscription's or a comment's confirmation,
a reply, the moderators' digest, a passkey notice, an error report) is signed here as
`nashr.delivery.message.IssueMessage.as_wire` signs each bulletin: with
`nashr.core.mail.dkim_signer`, over the bytes handed to the server.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.core.mail.message import sanitize_address

from nashr.core.mail import dkim_signer


class EmailBackend(DjangoSMTPBackend):
    """Django's `_send` (5.2), with the message signed before it goes."""

    def _send(self, email_message: EmailMessage) -> bool:
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(addr, encoding) for addr in email_message.recipients()]
        message = email_message.message().as_bytes(linesep="\r\n")
        sign = dkim_signer()
        if sign is not None:
            message = sign(message) + message
        try:
            if self.connection is None:  # send_messages() opens it before calling _send()
                raise smtplib.SMTPServerDisconnected("not connected")
            self.connection.sendmail(from_email, recipients, message)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
