"""bench/serve.py's settings: production's, plus a "hello" page and the cache it is told."""

from __future__ import annotations

import os

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.serve_urls"
if os.environ.get("BENCH_CACHE") == "db":
    # The alternative to files measured by `bench/serve.py --cache db`.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "nashr_cache",
        }
    }
