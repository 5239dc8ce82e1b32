"""Production: refuses to start without its secrets; HTTPS everywhere."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment to a random value of at least 50 "
        "characters (for example: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

NASHR_REQUIRE_2FA = env_bool("NASHR_REQUIRE_2FA", True)
# Administrators hold every account and every subscriber's address: only a phishing-proof
# second factor for them. An upgraded installation's administrators register a passkey
# after their next TOTP login (the only page that login opens for them).
NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS = env_bool("NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS", True)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (so browsers keep them for a year) plus .br and .gz next to each file.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
