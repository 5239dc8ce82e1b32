"""Tests: fast hashing, in-memory mail unless a test points Django at a real SMTP server."""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-" + "x" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
NASHR_REQUIRE_2FA = False
# Tests render pages; the page cache is tested where it is turned on (nashr/core/tests/
# test_page_cache.py, and through `nashr serve` with the production settings): inside a
# test's transaction no change is ever committed, so cached pages would never go stale.
NASHR_PAGE_CACHE = False
# Each test process its own cache (xdist workers must not share pages or rate limits).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# No collectstatic before tests: static files are found where they are written.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
