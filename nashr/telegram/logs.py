"""A logging filter that takes the Telegram bot's token out of every record."""

from __future__ import annotations

import logging

from django.conf import settings


class HideBotToken(logging.Filter):
    """Replace the token in a record's message (and its traceback) with "[token]"."""

    def filter(self, record: logging.LogRecord) -> bool:
        token = getattr(settings, "NASHR_TELEGRAM_BOT_TOKEN", "") if settings.configured else ""
        if not token:
            return True
        message = record.getMessage()
        if token in message:
            record.msg = message.replace(token, "[token]")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if token in text:
                record.exc_info = None
                record.exc_text = text.replace(token, "[token]")
        return True
