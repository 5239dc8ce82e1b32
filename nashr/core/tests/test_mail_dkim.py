"""Every mail Nashr sends through Django is DKIM-signed as bulletins are (nashr.core.smtp)."""

from __future__ import annotations

import dkim
from django.core import mail

from nashr.subscribers.services import subscriber_subscribe

READER = "reader@example.net"


def test_confirmation_mail_is_dkim_signed(
    smtp_sink, dkim_dns, make_series, settings, django_capture_on_commit_callbacks
) -> None:
    """A subscription's confirmation mail, sent over SMTP by the default backend, carries a
    DKIM signature that verifies against the published key, and fails once changed."""
    settings.EMAIL_BACKEND = "nashr.core.smtp.EmailBackend"
    series = make_series()
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_subscribe(email=READER, series=[series], language="fa")
    [received] = smtp_sink.to(READER)
    assert received.data.startswith(b"DKIM-Signature:")
    assert dkim.verify(received.data, dnsfunc=dkim_dns)
    header, _sep, body = received.data.partition(b"\r\n\r\n")
    assert b"\r\nAuto-Submitted: auto-generated" in header
    assert not dkim.verify(header + b"\r\n\r\n" + body.replace(b"/", b"-", 1), dnsfunc=dkim_dns)


def test_any_django_mail_is_dkim_signed(smtp_sink, dkim_dns, settings) -> None:
    """A mail sent with Django's send_mail (error reports, third-party apps) is signed too."""
    settings.EMAIL_BACKEND = "nashr.core.smtp.EmailBackend"
    mail.send_mail("گزارش", "متن فارسی\n", "bulletin@nashr.example", [READER])
    [received] = smtp_sink.to(READER)
    assert dkim.verify(received.data, dnsfunc=dkim_dns)
