"""Settings shared by every environment.

Every value comes from the environment, with a default that is safe for development.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from nashr.core.exceptions import ValidationError
from nashr.core.languages import check_interface_fallbacks, configured_language

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("NASHR_VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def cache_from_url(url: str, default_directory: Path) -> dict[str, object]:
    """Django's cache settings for CACHE_URL: redis://…, rediss://…, file:///dir, locmem://.

    Empty means files under ``default_directory``, which every worker process on the
    machine shares.
    """
    scheme = url.partition("://")[0].lower()
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url and scheme != "file":
        raise ImproperlyConfigured(
            f"CACHE_URL: “{url}” is not a cache address; use redis://host:6379/0, "
            "file:///var/cache/nashr or leave it empty (files under NASHR_VAR_DIR/cache)."
        )
    directory = url.partition("://")[2] if url else str(default_directory)
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": directory,
        # Old generations' pages are removed as entries pass this number.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

# The public address of the site, used in feeds, emails and PDFs, where no request is at hand.
NASHR_SITE_URL = os.environ.get("NASHR_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The site's name in pages, feeds, mails, PDFs and the mirror, in every language; one
# language's own with NASHR_LANGUAGE_<CODE>="site_name=…". Empty: "Nashr", translated.
NASHR_SITE_NAME = os.environ.get("NASHR_SITE_NAME", "").strip()

INSTALLED_APPS = [
    # Django's admin with Nashr's site: two-factor login, throttled passwords, dashboards.
    "nashr.accounts.admin_apps.NashrAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_tasks",
    "django_tasks_db",
    "nashr.core",
    "nashr.audit",
    "nashr.accounts",
    "nashr.publications",
    # Above publications, comments and media: it saves through their services. Listed
    # before bulletins all the same: its demo part (publications, loaded through the
    # importer) comes before the bulletin demo, which is made of them.
    "nashr.importers",
    "nashr.bulletins",
    "nashr.subscribers",
    "nashr.delivery",
    "nashr.search",
    "nashr.comments",
    "nashr.media",
    "nashr.mirror",
    # Each language an ActivityPub actor (NASHR_FEDERATION); replies become comments.
    "nashr.federation",
    "nashr.telegram",
    # What follows each change: above every app whose copies it keeps up to date.
    "nashr.derived",
    # Above every other app: it backs up and restores all of them.
    "nashr.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (compressed, hashed names, cached for a year) and whole public pages
    # from the cache: both answer before sessions, language or CSRF cost anything.
    "nashr.core.pagecache.StaticFilesMiddleware",
    "nashr.core.pagecache.PublicPageCacheMiddleware",
    # The client's address for the audit trail, for the time of the request.
    "nashr.core.middleware.ClientAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a session past its lifetime is told why it has to log in again.
    "nashr.accounts.sessions.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "nashr.core.middleware.SecurityHeadersMiddleware",
    "nashr.publications.middleware.LegacyPathRedirectMiddleware",
    # Onion-Location: Tor Browser offers the onion address (NASHR_ONION_URL) when set.
    "nashr.mirror.middleware.OnionLocationMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nashr" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "nashr.core.context_processors.site",
                "nashr.publications.context_processors.navigation",
                "nashr.mirror.context_processors.mirror",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nashr.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# Behind PgBouncer in transaction mode (issue 15) each transaction may run on another
# server connection: no state may outlive a transaction, so no server-side cursors (which
# Django holds open across transactions for .iterator() outside atomic blocks).
if env_bool("DATABASE_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the sender or the importer writes; IMMEDIATE makes a
    # write transaction take the lock at BEGIN, so two writers queue instead of deadlocking.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The languages the site publishes in, the first the default (nashr.core.languages says
# what each carries: direction, calendar, digits, search). Adding one is this setting, a
# restart and, for the interface, a translation catalogue in locale/; the way a language
# writes can be changed with NASHR_LANGUAGE_<CODE>, e.g. NASHR_LANGUAGE_CKB="calendar=jalali".
NASHR_LANGUAGES = env_list("NASHR_LANGUAGES", "fa,en") or ["fa", "en"]  # empty: the default
NASHR_LANGUAGE_OPTIONS = {
    code: os.environ[f"NASHR_LANGUAGE_{code.upper().replace('-', '_')}"]
    for code in NASHR_LANGUAGES
    if f"NASHR_LANGUAGE_{code.upper().replace('-', '_')}" in os.environ
}
if (
    not NASHR_LANGUAGES
    or len(set(NASHR_LANGUAGES)) != len(NASHR_LANGUAGES)
    or not all(re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", code) for code in NASHR_LANGUAGES)
):
    raise ImproperlyConfigured(
        f"NASHR_LANGUAGES is {','.join(NASHR_LANGUAGES)!r}; give distinct lower-case language "
        "codes separated by commas, the default first, e.g. fa,en,ckb."
    )
LANGUAGE_CODE = NASHR_LANGUAGES[0]
try:
    # Right-to-left languages, for Django's own pages (the admin) as for Nashr's.
    LANGUAGES_BIDI = [
        code
        for code in NASHR_LANGUAGES
        if configured_language(code, NASHR_LANGUAGE_OPTIONS.get(code, "")).rtl
    ]
    check_interface_fallbacks(
        {
            code: configured_language(code, NASHR_LANGUAGE_OPTIONS.get(code, ""))
            for code in NASHR_LANGUAGES
        }
    )
except ValidationError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
LANGUAGES = [(code, _(LANG_INFO.get(code, {}).get("name", code))) for code in NASHR_LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tehran")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("vazirmatn", BASE_DIR / "node_modules" / "vazirmatn" / "fonts"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "admin:login"

# Staff accounts are what a hostile state phishes for: the admin asks for a TOTP code
# (django-otp) on top of the password when this is on. Production turns it on.
NASHR_REQUIRE_2FA = env_bool("NASHR_REQUIRE_2FA", False)
# Failed logins: after this many for one user name (or five times as many from one
# address) within the window, logins for it wait, doubling with each further failure.
NASHR_LOGIN_FAILURES_ALLOWED = int(os.environ.get("NASHR_LOGIN_FAILURES_ALLOWED", "5"))
NASHR_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("NASHR_LOGIN_LOCKOUT_SECONDS", "900"))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Nashr")
# TOTP secrets and backup codes never appear in the admin: whoever reads a secret there
# (over a shoulder, from a screenshot, from a hijacked session) holds the second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Passkeys and security keys (WebAuthn, django-otp-webauthn) as a second factor: bound to
# this site's origin by the browser, so a look-alike phishing site cannot replay them as
# it can replay a TOTP code. With this on (and NASHR_REQUIRE_2FA), administrators
# (superusers and the administrator role) must sign in with one; TOTP is refused for them
# once they have one, and until then a TOTP login opens only the page that registers one.
NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS = env_bool("NASHR_REQUIRE_WEBAUTHN_FOR_ADMINS", False)


def webauthn_relying_party(site_url: str) -> tuple[str, list[str]]:
    """The relying party id and the allowed origins for the site at ``site_url``.

    Browsers accept no IP address as a relying party id but treat http://localhost as a
    secure origin, so a loopback address becomes ``localhost`` (open the development
    server at http://localhost:8000 to use passkeys).
    """
    parts = urlsplit(site_url)
    host = parts.hostname or "localhost"
    if host in {"127.0.0.1", "::1"}:
        host = "localhost"
    origin = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    return host, [origin]


# Passkeys are bound to the relying party id for good: changing the site's domain means
# registering them again. Set OTP_WEBAUTHN_ALLOWED_ORIGINS (comma-separated) only when the
# admin is served from another origin of the same domain than NASHR_SITE_URL.
OTP_WEBAUTHN_RP_ID, _webauthn_origins = webauthn_relying_party(NASHR_SITE_URL)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("OTP_WEBAUTHN_ALLOWED_ORIGINS", ",".join(_webauthn_origins))
OTP_WEBAUTHN_RP_NAME = os.environ.get("OTP_WEBAUTHN_RP_NAME", "Nashr")
# A passkey is a second factor here, after the password: never a login on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "nashr.accounts.passkeys.DiscoverablePasskeys"

# Staff sessions end after this much idleness in the admin (each admin request starts the
# count again; public pages neither read nor renew it). Eight hours, a working day: an
# editor is not asked for the password and second factor again after every meeting (which
# teaches typing them into whatever page asks), yet a session left on a laptop overnight,
# or on a seized one, no longer opens the admin the next morning.
NASHR_STAFF_SESSION_SECONDS = int(os.environ.get("NASHR_STAFF_SESSION_SECONDS", str(8 * 3600)))
# Whatever the activity, a staff session ends this many hours after its login (ASVS 3.3.2):
# a busy day fits, and the password and second factor are asked for again the next day.
NASHR_STAFF_SESSION_MAX_HOURS = int(os.environ.get("NASHR_STAFF_SESSION_MAX_HOURS", "12"))
# A staff account with no second factor may enrol one with its password alone for this
# many hours after it was made, or after an administrator removed a lost factor or opened
# enrolment on the staff list; later its password alone opens nothing.
NASHR_ENROLMENT_HOURS = int(os.environ.get("NASHR_ENROLMENT_HOURS", "72"))
# Only staff have sessions (public pages set no cookie): the same age for every session.
SESSION_COOKIE_AGE = NASHR_STAFF_SESSION_SECONDS

# Reverse proxies in front of the application (nginx, Caddy, a CDN), each of which appends
# the address it was reached from to X-Forwarded-For. 0: the header is ignored, since a
# visitor could write it. Lockouts and rate limits key on the address found this way.
NASHR_PROXY_COUNT = int(os.environ.get("NASHR_PROXY_COUNT", "0"))
if NASHR_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"NASHR_PROXY_COUNT is {NASHR_PROXY_COUNT}; set it to the number of reverse "
        "proxies in front of Nashr (0 when clients connect to it directly)."
    )

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": with no-referrer Chromium sends `Origin: null` on form
# posts, which Django's CSRF check refuses (the admin login fails). Other hosts still
# learn nothing of where a reader came from.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

# Django's SMTP backend that DKIM-signs every mail as bulletins are signed (NASHR_DKIM_*).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "nashr.core.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bulletin@nashr.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Serving (nashr serve, the page cache, static files).
# The cache holds whole public pages and the pages' generation number (rate limits are
# counted in the database), so every worker process must share it: by default files under
# var/cache/ (one machine, no extra server); CACHE_URL=redis://host:6379/0 when several
# machines serve the site (Django's own Redis backend).
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""), VAR_DIR / "cache")}
# Off: every page is rendered for every request (to rule the cache out when in doubt).
NASHR_PAGE_CACHE = env_bool("NASHR_PAGE_CACHE", True)
# Seconds a shared cache (a CDN, nginx) may keep a public page before asking again;
# browsers always ask again (and get a 304 when nothing changed). 0: shared caches ask
# every time too, so a change is seen at once everywhere.
NASHR_PUBLIC_MAX_AGE = int(os.environ.get("NASHR_PUBLIC_MAX_AGE", "0"))
# Seconds a rendered page stays in Nashr's own cache; any change readers can see makes
# every cached page stale at once anyway (nashr.core.pagecache).
NASHR_PAGE_CACHE_SECONDS = int(os.environ.get("NASHR_PAGE_CACHE_SECONDS", str(24 * 3600)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"bot_token": {"()": "nashr.telegram.logs.HideBotToken"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["bot_token"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The HTTP library logs each request's address, which holds the Telegram bot's token.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# Publications (nashr.publications).
# `nashr import` refuses a file larger than this many bytes (5 MiB: a long report is 200 kB).
NASHR_IMPORT_MAX_BYTES = int(os.environ.get("NASHR_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# A whole site's export (WordPress WXR, a feed archive) is read whole into memory: ten or
# twenty years of statements make hundreds of MB, a limit of its own.
NASHR_IMPORT_EXPORT_MAX_BYTES = int(
    os.environ.get("NASHR_IMPORT_EXPORT_MAX_BYTES", str(2 * 1024 * 1024 * 1024))
)

# Subscribers and delivery (nashr.subscribers, nashr.delivery).
# The From address of bulletins (else DEFAULT_FROM_EMAIL); the series' title is its name.
NASHR_BULLETIN_FROM_EMAIL = os.environ.get("NASHR_BULLETIN_FROM_EMAIL", "")
# The envelope sender: where bounce reports go, to be fed to `nashr bounces ingest`. When
# set, each message goes out from its own return path, bounces+{token}@… for bounces@…
# (VERP): the address must accept the "+" extension (Postfix's recipient_delimiter).
NASHR_BOUNCE_ADDRESS = os.environ.get("NASHR_BOUNCE_ADDRESS", "")
# Hard bounces (5xx answers and bounce reports) after which an address is no longer mailed.
NASHR_BOUNCE_LIMIT = int(os.environ.get("NASHR_BOUNCE_LIMIT", "3"))
# The most read of one bounce message; a larger one is reported and skipped.
NASHR_BOUNCE_MAX_BYTES = int(os.environ.get("NASHR_BOUNCE_MAX_BYTES", str(1024 * 1024)))
NASHR_CONFIRM_MAX_AGE = int(os.environ.get("NASHR_CONFIRM_MAX_AGE", str(7 * 24 * 3600)))
# Addresses never confirmed are deleted this many days after their last consent, by
# `nashr subscribers purge-unconfirmed` (cron) or its task: no list of people who were
# only named by someone else is kept.
NASHR_UNCONFIRMED_DAYS = int(os.environ.get("NASHR_UNCONFIRMED_DAYS", "14"))
# (attempts, seconds): per client (keyed hash of the address) and per email, counted in the
# database under keyed hashes (nashr.core.ratelimit).
NASHR_SUBSCRIBE_RATE = (int(os.environ.get("NASHR_SUBSCRIBE_RATE", "10")), 600)
NASHR_SUBSCRIBE_ADDRESS_RATE = (3, 3600)
# The list address (issue 28, item 12): readers who cannot reach the site subscribe,
# confirm and unsubscribe by mail to it (subject "subscribe SLUG"; the mirror offers a
# mailto: link, bulletins a List-Unsubscribe mailto:). The mail server delivers it to a
# Maildir read by `nashr subscribers mail-ingest MAILDIR` (cron), or pipes each message
# into `nashr subscribers mail-ingest`. "" = off.
NASHR_LIST_ADDRESS = os.environ.get("NASHR_LIST_ADDRESS", "")
# (messages, seconds) read from one sender address; more are refused unread.
NASHR_LIST_SENDER_RATE = (int(os.environ.get("NASHR_LIST_SENDER_RATE", "10")), 3600)
# (mails, seconds) sent in answer to mail to the list address, from all senders together.
NASHR_LIST_MAIL_RATE = (int(os.environ.get("NASHR_LIST_MAIL_RATE", "300")), 3600)
# The most read of one message to the list address; a larger one is refused.
NASHR_LIST_MAX_BYTES = int(os.environ.get("NASHR_LIST_MAX_BYTES", str(256 * 1024)))
# A 4xx answer is retried after base × 2^(attempt-1) seconds, up to the given attempts.
NASHR_SEND_RETRY_BASE = float(os.environ.get("NASHR_SEND_RETRY_BASE", "60"))
NASHR_SEND_MAX_ATTEMPTS = int(os.environ.get("NASHR_SEND_MAX_ATTEMPTS", "6"))
# Several senders on PostgreSQL (issue 15): each renews a lease every third of this many
# seconds; the rows of a sender whose lease ran out are taken over by the others. The
# host name tells senders on different machines apart (a dead process on the same host
# is seen at once).
NASHR_SEND_LEASE_SECONDS = float(os.environ.get("NASHR_SEND_LEASE_SECONDS", "30"))
NASHR_SEND_HOST = os.environ.get("NASHR_SEND_HOST", "")  # else the machine's host name
# DKIM signing of bulletins sent over SMTP; off until a selector and a key are given.
NASHR_DKIM_SELECTOR = os.environ.get("NASHR_DKIM_SELECTOR", "")
NASHR_DKIM_DOMAIN = os.environ.get("NASHR_DKIM_DOMAIN", "")  # else the From address' domain
NASHR_DKIM_PRIVATE_KEY = os.environ.get("NASHR_DKIM_PRIVATE_KEY", "")  # PEM text
NASHR_DKIM_PRIVATE_KEY_FILE = os.environ.get("NASHR_DKIM_PRIVATE_KEY_FILE", "")
# django-anymail: EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend plus ANYMAIL_* keys
# (ANYMAIL_MAILGUN_API_KEY=... becomes ANYMAIL["MAILGUN_API_KEY"]).
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}

# Readers' comments (nashr.comments).
# Moderation of the whole site, each publication may override it: "all" holds every
# comment, "first" holds a commenter's comments until NASHR_COMMENTS_TRUST_AFTER of theirs
# were approved (recognised by their confirmed email), "none" holds only what the checks
# find suspicious.
NASHR_COMMENTS_MODERATION = os.environ.get("NASHR_COMMENTS_MODERATION", "first")
NASHR_COMMENTS_TRUST_AFTER = int(os.environ.get("NASHR_COMMENTS_TRUST_AFTER", "1"))
# Comments close this many days after publication (0: they stay open).
NASHR_COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("NASHR_COMMENTS_CLOSE_AFTER_DAYS", "0"))
# (comments, seconds): per client address (keyed hash) and per publication, counted in the
# database (nashr.core.ratelimit).
NASHR_COMMENTS_RATE = (int(os.environ.get("NASHR_COMMENTS_RATE", "5")), 3600)
NASHR_COMMENTS_PUBLICATION_RATE = (
    int(os.environ.get("NASHR_COMMENTS_PUBLICATION_RATE", "60")),
    3600,
)
# Mail to one commenter's address, whoever typed it into the form (counted under a keyed
# hash of the address, in the database). A confirmation link mailed and not yet followed
# holds back the next for this many seconds; at most this many (mails, seconds) in all.
NASHR_COMMENTS_CONFIRM_MAIL_WAIT = int(os.environ.get("NASHR_COMMENTS_CONFIRM_MAIL_WAIT", "3600"))
NASHR_COMMENTS_CONFIRM_MAIL_RATE = (
    int(os.environ.get("NASHR_COMMENTS_CONFIRM_MAIL_RATE", "3")),
    24 * 3600,
)
# (mails, seconds) telling a commenter of replies: per thread they commented in, and in all.
NASHR_COMMENTS_REPLY_MAIL_THREAD_RATE = (1, 24 * 3600)
NASHR_COMMENTS_REPLY_MAIL_RATE = (
    int(os.environ.get("NASHR_COMMENTS_REPLY_MAIL_RATE", "5")),
    24 * 3600,
)
# A comment with more links than this is held for a moderator.
NASHR_COMMENTS_MAX_LINKS = int(os.environ.get("NASHR_COMMENTS_MAX_LINKS", "2"))
# The proof of work's difficulty: the largest number a reader's browser may have to try.
NASHR_COMMENTS_POW_MAX_NUMBER = int(os.environ.get("NASHR_COMMENTS_POW_MAX_NUMBER", "50000"))

# -- Editors' desk: uploads and scheduled publishing (issue 16) --------------------------
# An upload larger than this many bytes, or an image of more pixels, is refused before
# it is decoded (a decompression bomb is small on disk and huge in memory).
NASHR_MEDIA_MAX_BYTES = int(os.environ.get("NASHR_MEDIA_MAX_BYTES", "25000000"))
NASHR_MEDIA_MAX_PIXELS = int(os.environ.get("NASHR_MEDIA_MAX_PIXELS", "50000000"))

# Backups (nashr.backups, docs/deploy.md "Backups"). The server signs each archive with
# its own Ed25519 key, in this file (`nashr backup_keygen FILE` makes one); a restore
# accepts only archives signed by a key named here: one public key line (ssh-ed25519
# AAAA…) or a file of them, one a line. Unset: archives are not signed, and a restore
# needs --accept-unsigned.
NASHR_BACKUP_SIGNING_KEY_FILE = os.environ.get("NASHR_BACKUP_SIGNING_KEY_FILE", "")
NASHR_BACKUP_VERIFY_KEY = os.environ.get("NASHR_BACKUP_VERIFY_KEY", "")
# The age public key (age1…) the backup unit encrypts to (its --encrypt-to); read by the unit
# from the environment file, and checked here by `nashr check --deploy`.
NASHR_BACKUP_RECIPIENT = os.environ.get("NASHR_BACKUP_RECIPIENT", "")

# Static mirror and reachability (nashr.mirror, docs/mirror.md).
# Other addresses of the site, comma-separated: shown on every page ("if this site is
# blocked, read it at …"), in bulletin emails and PDFs, and in the mirror itself.
NASHR_MIRROR_URLS = env_list("NASHR_MIRROR_URLS", "")
# The site's onion service (http://….onion): the Onion-Location header on the live site,
# the equivalent <meta http-equiv> in the mirror.
NASHR_ONION_URL = os.environ.get("NASHR_ONION_URL", "").rstrip("/")
# In the mirror, forms that need the server (subscribe, comments): "primary" sends them to
# NASHR_SITE_URL, "note" replaces them with a note that names the site.
NASHR_MIRROR_FORMS = os.environ.get("NASHR_MIRROR_FORMS", "primary")
if NASHR_MIRROR_FORMS not in {"primary", "note"}:
    raise ImproperlyConfigured(
        f"NASHR_MIRROR_FORMS is {NASHR_MIRROR_FORMS!r}; set it to 'primary' or 'note'."
    )
# Rebuild the mirror in this directory after every publish (a background task); "" = off.
NASHR_MIRROR_DIR = os.environ.get("NASHR_MIRROR_DIR", "")
# The address the mirror in NASHR_MIRROR_DIR is served from (absolute URLs in sitemap.xml).
NASHR_MIRROR_BASE_URL = os.environ.get("NASHR_MIRROR_BASE_URL", "").rstrip("/")

# The fediverse (nashr.federation, docs/deploy.md "The fediverse"): each language of the
# site an ActivityPub account (@fa@host, @en@host), off until NASHR_FEDERATION=1.
NASHR_FEDERATION = env_bool("NASHR_FEDERATION", False)
# The accounts' user names by language, "fa=akhbar,en=news"; a language not named is
# called by its code.
NASHR_FEDERATION_NAMES = dict(
    item.split("=", 1) for item in env_list("NASHR_FEDERATION_NAMES", "") if "=" in item
)
# Fetch keys from and post to private and loopback addresses (tests only: an SSRF guard).
NASHR_FEDERATION_ALLOW_PRIVATE = env_bool("NASHR_FEDERATION_ALLOW_PRIVATE", False)
# Inbox requests accepted per remote host in a window of seconds; a larger body is refused.
# A publication is sent to the followers when it is published within this many hours of
# the time it bears as published: an imported archive of old texts is not (it is in the
# outbox all the same).
NASHR_FEDERATION_NEW_WITHIN_HOURS = float(os.environ.get("NASHR_FEDERATION_NEW_WITHIN_HOURS", "48"))
NASHR_FEDERATION_INBOX_RATE = (int(os.environ.get("NASHR_FEDERATION_INBOX_RATE", "300")), 300)
NASHR_FEDERATION_INBOX_MAX_BYTES = int(os.environ.get("NASHR_FEDERATION_INBOX_MAX_BYTES", "65536"))
# Delivery: the first retry after this many seconds (doubling up to six hours); an inbox
# failing for this many days is given up (its followers removed, ADMINS told); a request
# found "sending" for this many seconds was cut off by a crash and is sent again.
NASHR_FEDERATION_RETRY_BASE = float(os.environ.get("NASHR_FEDERATION_RETRY_BASE", "60"))
NASHR_FEDERATION_DROP_AFTER_DAYS = float(os.environ.get("NASHR_FEDERATION_DROP_AFTER_DAYS", "3"))
NASHR_FEDERATION_SENDING_TIMEOUT = float(os.environ.get("NASHR_FEDERATION_SENDING_TIMEOUT", "300"))
# Telegram channels (nashr.telegram, docs/deploy.md "Telegram channels"). The bot's token,
# from @BotFather, is read from the environment only: never stored in the database or a
# backup, never logged. Empty: nothing is posted (the queue is kept).
NASHR_TELEGRAM_BOT_TOKEN = os.environ.get("NASHR_TELEGRAM_BOT_TOKEN", "")
# Another Bot API server (a self-hosted telegram-bot-api, the tests' own).
NASHR_TELEGRAM_API_URL = os.environ.get(
    "NASHR_TELEGRAM_API_URL", "https://api.telegram.org"
).rstrip("/")
# Seconds between two requests to one channel (Telegram allows about 20 messages a minute).
NASHR_TELEGRAM_INTERVAL = float(os.environ.get("NASHR_TELEGRAM_INTERVAL", "3"))
# A 5xx answer or a network error: tried again after base × 2^(attempt-1) seconds.
NASHR_TELEGRAM_RETRY_BASE = float(os.environ.get("NASHR_TELEGRAM_RETRY_BASE", "10"))
NASHR_TELEGRAM_MAX_ATTEMPTS = int(os.environ.get("NASHR_TELEGRAM_MAX_ATTEMPTS", "8"))
# A wait shorter than this (seconds; a 429's retry_after, a retry) is waited out by the
# running task; a longer one queues the task again for its time.
NASHR_TELEGRAM_MAX_WAIT = float(os.environ.get("NASHR_TELEGRAM_MAX_WAIT", "60"))
# A worker holds a channel's queue for this long, renewed while it works (a worker on
# another machine that died is replaced after it; one on this machine at once).
NASHR_TELEGRAM_LEASE_SECONDS = float(os.environ.get("NASHR_TELEGRAM_LEASE_SECONDS", "60"))
