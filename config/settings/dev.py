"""Development: DEBUG on, a fixed insecure key unless SECRET_KEY is set."""

from __future__ import annotations

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "1") not in {"0", "false", "False"}
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"
# Mail is printed unless a mail server is named: with EMAIL_HOST set, development sends
# over SMTP as production does (a list printed whole would run to megabytes).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "nashr.core.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
# runserver (make demo) serves static files from the apps' folders, no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The default SQLite database and media live under var/, which a fresh clone lacks.
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
