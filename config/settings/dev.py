"""Development: DEBUG on, a fixed insecure key unless SECRET_KEY is set."""

from __future__ import annotations

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "1") not in {"0", "false", "False"}
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

# The default SQLite database and media live under var/, which a fresh clone lacks.
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
