"""Deployment checks of Nashr's own settings (run by `nashr check --deploy`)."""

from __future__ import annotations

import email.utils
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext as _


@register(Tags.security, deploy=True)
def check_site_url_is_https(**kwargs: Any) -> list[CheckMessage]:
    """Links in mail (unsubscribe, confirmation) and feeds must not travel in clear text."""
    if settings.NASHR_SITE_URL.startswith("https://"):
        return []
    return [
        CheckWarning(
            f"NASHR_SITE_URL is {settings.NASHR_SITE_URL!r}, not an https:// address.",
            hint="Set NASHR_SITE_URL to the site's public https address, e.g. https://example.org.",
            id="nashr.W001",
        )
    ]


@register()
def check_site_url_host_is_allowed(**kwargs: Any) -> list[CheckMessage]:
    """The site must answer at its own address: the mirror renders its pages for that host,
    and every link in mail and feeds leads readers there."""
    host = urlsplit(settings.NASHR_SITE_URL).netloc.rpartition("@")[2]
    domain, _port = split_domain_port(host)
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # as Django's HttpRequest.get_host
    if domain and validate_host(domain, allowed):
        return []
    return [
        CheckError(
            _(
                "The host of NASHR_SITE_URL (%(host)s) is not in ALLOWED_HOSTS (%(allowed)s): "
                "the site would refuse its own address, and `nashr mirror build` could not "
                "render a page."
            )
            % {"host": domain or settings.NASHR_SITE_URL, "allowed": ", ".join(allowed) or "-"},
            hint=_(
                "add %(host)s to ALLOWED_HOSTS, or set NASHR_SITE_URL to the address readers "
                "reach the site at, in the environment (/etc/nashr/nashr.env)"
            )
            % {"host": domain or settings.NASHR_SITE_URL},
            id="nashr.E002",
        )
    ]


@register(Tags.security, deploy=True)
def check_two_factor_login_is_required(**kwargs: Any) -> list[CheckMessage]:
    """Staff of an exile organization are phished by state actors: a password is not enough."""
    if settings.NASHR_REQUIRE_2FA:
        return []
    return [
        CheckWarning(
            "NASHR_REQUIRE_2FA is off: a phished or guessed password alone opens the admin.",
            hint="Remove NASHR_REQUIRE_2FA=0 from the environment (production turns it on) "
            "and give every staff member a device with `nashr enrol_totp USERNAME`.",
            id="nashr.W002",
        )
    ]


@register(Tags.admin)
def check_admin_searches_fold_spelling(**kwargs: Any) -> list[CheckMessage]:
    """Every search box of the admin finds Persian however it was typed (core.spelling)."""
    from django.contrib.admin.sites import all_sites

    from nashr.core.admin import SpellingSearchAdmin

    return [
        CheckError(
            f"{type(model_admin).__module__}.{type(model_admin).__qualname__} has "
            "search_fields but does not fold spellings: «كارگران» would not find «کارگران».",
            hint="Make it a subclass of nashr.core.admin.SpellingSearchAdmin (first in its bases).",
            obj=model_admin,
            id="nashr.E001",
        )
        for site in all_sites
        for model_admin in site._registry.values()
        if model_admin.search_fields and not isinstance(model_admin, SpellingSearchAdmin)
    ]


# The domains of the example file and the guide (RFC 2606 reserves them; no site can be
# reached or mailed there), and of the default From address (bulletin@nashr.invalid).
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "invalid")
ENVIRONMENT_FILE = "/etc/nashr/nashr.env"


def _placeholder_domain(domain: str) -> bool:
    domain = domain.lower().strip(".")
    return any(domain == one or domain.endswith(f".{one}") for one in PLACEHOLDER_DOMAINS)


def _address_domain(address: str) -> str:
    return email.utils.parseaddr(address)[1].rpartition("@")[2]


@register(Tags.security, deploy=True)
def check_no_placeholders(**kwargs: Any) -> list[CheckMessage]:
    """The example environment file's placeholders must all have been replaced: its
    SECRET_KEY is public, and its domains are nobody's."""
    problems: list[CheckMessage] = []
    if "replace" in settings.SECRET_KEY.lower():
        problems.append(
            CheckError(
                _("SECRET_KEY is the example file's placeholder, which anyone can read."),
                hint=_(
                    "set SECRET_KEY in %(file)s to the output of "
                    "python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
                )
                % {"file": ENVIRONMENT_FILE},
                id="nashr.E003",
            )
        )
    site_host = split_domain_port(urlsplit(settings.NASHR_SITE_URL).netloc.rpartition("@")[2])[0]
    domains = [
        ("ALLOWED_HOSTS", host) for host in settings.ALLOWED_HOSTS if host not in {"*", "."}
    ] + [("NASHR_SITE_URL", site_host)]
    for setting in ("DEFAULT_FROM_EMAIL", "NASHR_BULLETIN_FROM_EMAIL", "NASHR_BOUNCE_ADDRESS"):
        value = str(getattr(settings, setting))
        if value:
            domains.append((setting, _address_domain(value)))
    if settings.NASHR_DKIM_DOMAIN:
        domains.append(("NASHR_DKIM_DOMAIN", settings.NASHR_DKIM_DOMAIN))
    problems.extend(
        CheckError(
            _("%(setting)s names %(domain)s, a placeholder: no site or mailbox can be there.")
            % {"setting": setting, "domain": domain},
            hint=_("put the site's own domain in %(setting)s (%(file)s)")
            % {"setting": setting, "file": ENVIRONMENT_FILE},
            id="nashr.E004",
        )
        for setting, domain in domains
        if _placeholder_domain(domain)
    )
    return problems


@register(Tags.security, deploy=True)
def check_dkim_key(**kwargs: Any) -> list[CheckMessage]:
    """DKIM (docs/deploy.md, 7. Mail): a selector and a private key the signer can read, or
    neither; unsigned mail is often taken for spam, so neither is a warning."""
    selector = settings.NASHR_DKIM_SELECTOR
    key_file = settings.NASHR_DKIM_PRIVATE_KEY_FILE
    key = settings.NASHR_DKIM_PRIVATE_KEY
    hint = _(
        "make the key with openssl genrsa -out /etc/nashr/dkim.pem 2048 and publish its public "
        "key (docs/deploy.md, 7. Mail)"
    )
    if not selector and not key and not key_file:
        return [
            CheckWarning(
                _(
                    "DKIM is off (NASHR_DKIM_SELECTOR and NASHR_DKIM_PRIVATE_KEY_FILE are "
                    "not set): readers' mail servers may take the mail for spam."
                ),
                hint=hint,
                id="nashr.W003",
            )
        ]
    if not selector:
        return [
            CheckError(
                _("A DKIM key is set but NASHR_DKIM_SELECTOR is not: nothing is signed."),
                hint=_("set NASHR_DKIM_SELECTOR to the selector published in DNS (e.g. nashr1)"),
                id="nashr.E005",
            )
        ]
    where = "NASHR_DKIM_PRIVATE_KEY"
    if not key:
        where = f"NASHR_DKIM_PRIVATE_KEY_FILE {key_file}"
        if not key_file:
            return [
                CheckError(
                    _("NASHR_DKIM_SELECTOR is set but no key: nothing is signed."),
                    hint=hint,
                    id="nashr.E005",
                )
            ]
        try:
            key = Path(key_file).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            return [
                CheckError(
                    _("%(where)s: the DKIM key cannot be read (%(error)s), so no mail can be sent.")
                    % {"where": where, "error": reason},
                    hint=hint,
                    id="nashr.E006",
                )
            ]
    import dkim.crypto

    try:
        dkim.crypto.parse_pem_private_key(key.encode("ascii", "replace"))
    except dkim.crypto.UnparsableKeyError as exc:
        return [
            CheckError(
                _("%(where)s: not an RSA private key in PEM (%(error)s).")
                % {"where": where, "error": exc},
                hint=hint,
                id="nashr.E006",
            )
        ]
    return []
